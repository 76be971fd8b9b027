namespace Stance.Tests.Support;

/// <summary>One entry of a failed batch's <c>errors.data</c>: <paramref name="Line"/> is the 1-based line of the
/// input file, when the error is about a line.</summary>
internal sealed record TestBatchError(string Code, string Message, string? Param = null, int? Line = null);
