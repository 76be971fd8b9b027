using System.Buffers;

namespace Stance.Documents;

/// <summary>Reads a stream line by line as bytes, holding one line at a time (never the file): LF, CRLF and a lone
/// CR end a line, a UTF-8 BOM at the start is dropped, and a line longer than the limit is skipped without being
/// held.</summary>
internal sealed class JsonLineReader(Stream stream, long maxLineBytes)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly ArrayBufferWriter<byte> _line = new();
    private int _start;
    private int _end;
    private bool _started;
    private bool _eof;
    private bool _skipLineFeed;

    /// <summary>The 1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Reads the next line into <paramref name="line"/> (valid until the next call); false at the
    /// end.</summary>
    /// <param name="line">The line without its terminator; empty when it is too long.</param>
    /// <param name="length">The line's length in bytes (counted even when it is too long).</param>
    public bool Next(out ReadOnlyMemory<byte> line, out long length)
    {
        _line.Clear();
        length = 0;
        var any = false;
        while (true)
        {
            if (_start == _end && !Fill())
            {
                line = _line.WrittenMemory;
                if (!any)
                {
                    return false;
                }

                LineNumber++;
                return true;
            }

            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (_buffer[_start] == (byte)'\n')
                {
                    _start++;
                    continue;
                }
            }

            any = true;
            var chunk = _buffer.AsSpan(_start, _end - _start);
            var at = chunk.IndexOfAny((byte)'\n', (byte)'\r');
            var part = at < 0 ? chunk : chunk[..at];
            length += part.Length;
            if (length <= maxLineBytes)
            {
                _line.Write(part);
            }
            else
            {
                _line.Clear();
            }

            if (at < 0)
            {
                _start = _end;
                continue;
            }

            _skipLineFeed = chunk[at] == (byte)'\r';
            _start += at + 1;
            LineNumber++;
            line = _line.WrittenMemory;
            return true;
        }
    }

    private bool Fill()
    {
        if (_eof)
        {
            return false;
        }

        _start = 0;
        _end = stream.Read(_buffer, 0, _buffer.Length);
        if (_end == 0)
        {
            _eof = true;
            return false;
        }

        if (!_started)
        {
            _started = true;
            if (_buffer.AsSpan(0, _end).StartsWith("\uFEFF"u8))
            {
                _start = 3;
                return _start < _end || Fill();
            }
        }

        return true;
    }
}
