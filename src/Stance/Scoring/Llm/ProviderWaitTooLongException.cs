namespace Stance.Scoring.Llm;

/// <summary>The provider asked to wait longer than <c>Stance:Resilience:MaxRetryAfter</c>: the run stops at
/// once.</summary>
internal sealed class ProviderWaitTooLongException(string message, Exception inner) : Exception(message, inner);
