namespace Stance.Review;

/// <summary>A review export or import that cannot be done as asked (no dataset, no such date, a malformed Label Studio
/// export); nothing was written. The message names the problem.</summary>
internal sealed class ReviewException(string message) : Exception(message);
