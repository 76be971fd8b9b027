using System.Text;
using Stance.Journal;

namespace Stance.Scoring.Batch;

/// <summary>One request file being written, streamed to disk line by line.</summary>
internal sealed class PartWriter(string runId, int number, int round, string path) : IDisposable
{
    private readonly StreamWriter _writer = new(
        new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16),
        new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        1 << 16);

    /// <summary>The part's number in the run.</summary>
    public int Number { get; } = number;

    /// <summary>The file's path.</summary>
    public string Path { get; } = path;

    /// <summary>Lines written.</summary>
    public int Lines { get; private set; }

    /// <summary>Bytes written.</summary>
    public long Bytes { get; private set; }

    /// <summary>Estimated tokens of the lines written (prompt and answer bound).</summary>
    public long Tokens { get; private set; }

    /// <summary>Writes one line (ending in a newline) of <paramref name="bytes"/> UTF-8 bytes.</summary>
    public void Write(string line, int bytes, long tokens)
    {
        _writer.Write(line);
        Lines++;
        Bytes += bytes;
        Tokens += tokens;
    }

    /// <summary>Flushes the file to the disk (fsync).</summary>
    public void Flush()
    {
        _writer.Flush();
        ((FileStream)_writer.BaseStream).Flush(flushToDisk: true);
    }

    /// <summary>The part as the ledger records it once written.</summary>
    public BatchPart ToPart() =>
        new(runId, Number, round, Lines, Bytes, Tokens, Path, null, null, "written", null, null, 0, 0, null, false);

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
