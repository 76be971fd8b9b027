using System.Text;

namespace Stance.Tests.Support;

/// <summary>A file the server holds: an upload (<c>purpose</c> <c>batch</c>) or a batch's output or error file
/// (<c>batch_output</c>).</summary>
internal sealed record TestFile(
    string Id, string Filename, string Purpose, byte[] Bytes, long CreatedAt, long? ExpiresAt, int Sequence)
{
    /// <summary>The content as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Bytes);

    /// <summary>The non-empty lines of the content.</summary>
    public IReadOnlyList<string> Lines =>
        Text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
}
