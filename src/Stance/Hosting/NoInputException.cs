namespace Stance.Hosting;

/// <summary>The input holds no document: the run reads, calls and writes nothing (exit code 9).</summary>
internal sealed class NoInputException(string input)
    : Exception(
        $"the input {input} holds no document to score; nothing was called or written, and the tables of " +
        "earlier runs are untouched (an empty feed or a mount that is not ready is an error, not an empty night)");
