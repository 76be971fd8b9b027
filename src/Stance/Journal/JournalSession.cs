namespace Stance.Journal;

/// <summary>The journal of one run: opened by the run once it holds the journal's claim (a run of the offline
/// baseline opens none), closed when the run ends.</summary>
internal sealed class JournalSession : IAsyncDisposable
{
    /// <summary>The open journal, or null before <see cref="Open"/> or when the run journals nothing.</summary>
    public ResultStore? Store { get; private set; }

    /// <summary>Opens (creating it if needed) the journal at <paramref name="path"/>.</summary>
    public ResultStore Open(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Store is not null)
        {
            throw new InvalidOperationException("the run's journal is already open");
        }

        return Store = ResultStore.Open(path);
    }

    private bool _disposed;

    /// <summary>Closes the journal; idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (Store is not null)
        {
            await Store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
