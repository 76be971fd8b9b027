namespace Stance.Paragraphs;

/// <summary>Folded text and, per folded character, the span <c>[Starts[i], Ends[i])</c> of the original it came
/// from.</summary>
internal sealed record FoldedText(string Text, int[] Starts, int[] Ends)
{
    /// <summary>The original span of the folded range <c>[index, index + length)</c>;
    /// <paramref name="length"/> &gt; 0.</summary>
    public (int Start, int End) Original(int index, int length) => (Starts[index], Ends[index + length - 1]);
}
