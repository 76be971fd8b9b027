using System.ComponentModel.DataAnnotations;

namespace Stance.Documents;

/// <summary>Where the documents are read from and how large one may be, bound from <c>Stance</c>.</summary>
internal sealed class InputOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance";

    /// <summary>The folder read recursively for <c>.txt</c>, <c>.md</c> and <c>.jsonl</c> files.</summary>
    public string Input { get; set; } = "data";

    /// <summary>The largest <c>.txt</c> / <c>.md</c> file and JSONL line read as one document; larger is a bad
    /// document.</summary>
    [Range(1, long.MaxValue)]
    public long MaxDocumentBytes { get; set; } = ReadOptions.DefaultMaxDocumentBytes;
}
