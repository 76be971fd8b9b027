namespace Stance.Scoring;

/// <summary>Counts the rows waiting for their journal commit without keeping a task per paragraph, so memory stays
/// flat.</summary>
internal sealed class PendingForwards
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending = 1;
    private Exception? _failure;

    /// <summary>Tracks one forward until it completes.</summary>
    public void Track(Task forward)
    {
        Interlocked.Increment(ref _pending);
        forward.ContinueWith(
            (task, state) =>
            {
                var self = (PendingForwards)state!;
                if (task.Exception is { } error)
                {
                    Interlocked.CompareExchange(ref self._failure, error.InnerException ?? error, null);
                }

                self.Release();
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Waits for every tracked forward; rethrows the first failure.</summary>
    public async Task WhenAllAsync()
    {
        Release();
        await _drained.Task.ConfigureAwait(false);
        if (_failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
        }
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
