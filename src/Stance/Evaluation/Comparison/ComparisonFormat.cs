using System.Globalization;
using System.Text;

namespace Stance.Evaluation.Comparison;

/// <summary>How the evaluation's console reports and pages (comparison, calibration, agreement) write figures and
/// texts: invariant culture, 4 decimals, "undefined" for an undefined figure.</summary>
internal static class ComparisonFormat
{
    /// <summary>The longest excerpt of an item's text the console prints.</summary>
    public const int ExcerptLength = 80;

    /// <summary>The word written for an undefined figure (NaN).</summary>
    public const string Undefined = "undefined";

    /// <summary>A figure with 4 decimals; a value that rounds to zero is written 0.0000, never -0.0000.</summary>
    public static string Fixed(double value) =>
        (Math.Round(value, 4, MidpointRounding.AwayFromZero) + 0.0).ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>A figure that can be undefined: <see cref="Fixed"/>, or <see cref="Undefined"/> for NaN.</summary>
    public static string Figure(double value) => double.IsNaN(value) ? Undefined : Fixed(value);

    /// <summary>An interval: <c>[low, high]</c>.</summary>
    public static string Interval(Estimate estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        return $"[{Fixed(estimate.Low)}, {Fixed(estimate.High)}]";
    }

    /// <summary>A count.</summary>
    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><paramref name="text"/> on one line (runs of white space as one space), cut to at most
    /// <paramref name="length"/> characters with an ellipsis when longer (never between the halves of a surrogate
    /// pair).</summary>
    public static string Excerpt(string text, int length = ExcerptLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        var line = new StringBuilder(Math.Min(text.Length, length + 1));
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                line.Append(' ');
                space = false;
            }

            line.Append(c);
            if (line.Length > length)
            {
                break;
            }
        }

        if (line.Length <= length)
        {
            return line.ToString();
        }

        var keep = length - 1;
        if (char.IsHighSurrogate(line[keep - 1]))
        {
            keep--;
        }

        return line.ToString(0, keep).TrimEnd() + "…";
    }
}
