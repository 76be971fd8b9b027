using Microsoft.Extensions.Configuration;

namespace Stance.Journal;

/// <summary>The journal of paid answers and whether earlier runs' answers are reused, bound from
/// <c>Stance</c>.</summary>
internal sealed class JournalOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stance";

    /// <summary>The journal file (SQLite, on a local disk), <c>Stance:Journal</c>; null:
    /// <c>journal.db</c> in the run's state folder (<c>&lt;output&gt;/.stance</c> for a local output).</summary>
    [ConfigurationKeyName("Journal")]
    public string? File { get; set; }

    /// <summary>Reuse answers journaled by earlier runs (false: <c>--no-cache</c>; a resumed run still reuses its
    /// own).</summary>
    public bool Cache { get; set; } = true;
}
