namespace Stance.Journal;

/// <summary>What identifies one run in every row, file and journal entry.</summary>
internal sealed record RunStamp(
    string RunId,
    DateOnly RunDate,
    string Provider,
    string Model,
    string PromptName,
    string PromptSha256);
