namespace Stance.Scoring.Local;

/// <summary>A paragraph the local model cannot answer; <see cref="Kind"/> is a <see cref="FailureKind"/>
/// value.</summary>
internal sealed class LocalModelException(string kind, string message) : Exception(message)
{
    /// <summary>How the paragraph ends.</summary>
    public string Kind { get; } = kind;
}
