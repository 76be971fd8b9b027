using Stance.Contract;

namespace Stance.Scoring.Llm;

/// <summary>How one failure ends a paragraph.</summary>
/// <param name="Kind">A <see cref="FailureKind"/> value.</param>
/// <param name="Message">The text for the <c>error</c> column.</param>
/// <param name="AbortsRun">True when every other paragraph would fail the same way.</param>
internal sealed record ProviderFault(string Kind, string Message, bool AbortsRun = false);
