using Microsoft.Extensions.Configuration;

namespace Stance.Journal;

/// <summary>The journal of paid answers and whether earlier runs' answers are reused, bound from
/// <c>Stance</c>.</summary>
internal sealed class JournalOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance";

    /// <summary>The journal file (SQLite), <c>Stance:Journal</c>; null:
    /// <c>&lt;output&gt;/.stance/journal.db</c>.</summary>
    [ConfigurationKeyName("Journal")]
    public string? File { get; set; }

    /// <summary>Reuse answers journaled by earlier runs (false: <c>--no-cache</c>; a resumed run still reuses its
    /// own).</summary>
    public bool Cache { get; set; } = true;

    /// <summary>The journal file in force for the given output folder.</summary>
    public string PathFor(string outputFolder) => File ?? Path.Combine(outputFolder, ".stance", "journal.db");
}
