namespace Stance.Scoring.Local;

/// <summary>The local model cannot be found, downloaded, verified or loaded; nothing was scored.</summary>
internal sealed class ModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
