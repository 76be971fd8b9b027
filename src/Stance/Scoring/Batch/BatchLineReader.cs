using System.Text;

namespace Stance.Scoring.Batch;

/// <summary>Reads a downloaded file's lines as they arrive and hands each whole line over once, across the
/// download's resumed attempts (<see cref="DownloadPosition"/>).</summary>
internal static class BatchLineReader
{
    /// <summary>Hands over each whole line that ends past what was handed over before; <paramref name="start"/> is
    /// the file offset of the stream's first byte. A read that waits longer than <paramref name="idleTimeout"/> fails
    /// the attempt (and is resumed).</summary>
    public static async Task ReadLinesAsync(
        Stream stream,
        long start,
        DownloadPosition handedOver,
        Func<string, ValueTask> line,
        TimeSpan idleTimeout,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        var pending = new MemoryStream();
        var position = start;
        while (true)
        {
            int read;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                idle.CancelAfter(idleTimeout);
                try
                {
                    read = await stream.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"download: no byte within {idleTimeout}");
                }
            }

            if (read == 0)
            {
                break;
            }

            var from = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                pending.Write(buffer, from, i - from);
                await HandOverAsync(pending, position + i + 1, handedOver, line).ConfigureAwait(false);
                from = i + 1;
            }

            pending.Write(buffer, from, read - from);
            position += read;
        }

        if (pending.Length > 0)
        {
            await HandOverAsync(pending, position, handedOver, line).ConfigureAwait(false);
        }
    }

    private static async ValueTask HandOverAsync(
        MemoryStream pending,
        long end,
        DownloadPosition handedOver,
        Func<string, ValueTask> line)
    {
        if (end > handedOver.Bytes)
        {
            var text = Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length).TrimEnd('\r');
            if (text.Length > 0)
            {
                await line(text).ConfigureAwait(false);
            }

            handedOver.Bytes = end;
        }

        pending.SetLength(0);
    }
}
