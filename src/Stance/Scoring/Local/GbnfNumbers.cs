using System.Globalization;
using System.Text.Json;

namespace Stance.Scoring.Local;

/// <summary>Number grammars. A number with a lower and an upper bound is written with a fixed count of decimals and the
/// grammar accepts exactly the values in range (exclusive bounds honoured, no negative zero); other numbers get a
/// bounded free form.</summary>
internal static class GbnfNumbers
{
    /// <summary>The largest bound written as an exact range; wider ranges fall back to the free form.</summary>
    private const double LargestExactBound = 1e6;

    /// <summary>The grammar of a <c>number</c> or <c>integer</c> schema, and its longest output in bytes.</summary>
    public static (string Expression, int MaxBytes) Number(JsonElement schema, int decimals)
    {
        var (low, lowExclusive) = Bound(schema, "minimum", "exclusiveMinimum", max: false);
        var (high, highExclusive) = Bound(schema, "maximum", "exclusiveMaximum", max: true);
        if (low is { } lo && high is { } hi && Math.Abs(lo) <= LargestExactBound && Math.Abs(hi) <= LargestExactBound)
        {
            var scale = Math.Pow(10, decimals);
            // Rounded first, so 0.07 * 100 is 7, not 7.000000000000001.
            var (scaledLow, scaledHigh) = (Math.Round(lo * scale, 6), Math.Round(hi * scale, 6));
            var first = (long)Math.Ceiling(scaledLow) + (lowExclusive && Math.Ceiling(scaledLow) == scaledLow ? 1 : 0);
            var last = (long)Math.Floor(scaledHigh) - (highExclusive && Math.Floor(scaledHigh) == scaledHigh ? 1 : 0);
            if (first > last)
            {
                throw new NotSupportedException(
                    $"the number range [{lo}, {hi}] holds no value with {decimals} decimals");
            }

            return Range(first, last, decimals);
        }

        var sign = low is >= 0 ? string.Empty : "\"-\"? ";
        return decimals == 0
            ? ($"{sign}[0-9]{{1,9}}", 10)
            : ($"{sign}[0-9]{{1,9}} (\".\" [0-9]{{1,6}})?", 17);
    }

    private static (double? Value, bool Exclusive) Bound(
        JsonElement schema,
        string inclusive,
        string exclusive,
        bool max)
    {
        double? a = schema.TryGetProperty(inclusive, out var i) ? i.GetDouble() : null;
        double? b = schema.TryGetProperty(exclusive, out var e) ? e.GetDouble() : null;
        return (a, b) switch
        {
            (null, null) => (null, false),
            (null, { } x) => (x, true),
            ({ } x, null) => (x, false),
            ({ } x, { } y) => (max ? y <= x : y >= x) ? (y, true) : (x, false),
        };
    }

    /// <summary>All values k / 10^decimals for k in [first, last].</summary>
    private static (string, int) Range(long first, long last, int decimals)
    {
        var alternatives = new List<string>();
        if (first < 0)
        {
            // Negative values: "-" and the magnitudes of [first, min(last, -1)].
            alternatives.AddRange(Magnitudes(Math.Max(1, -last), -first, decimals).Select(p => "\"-\" " + p));
        }

        if (last >= 0)
        {
            alternatives.AddRange(Magnitudes(Math.Max(0, first), last, decimals));
        }

        var longest = Math.Max(Written(first, decimals).Length, Written(last, decimals).Length);
        return (alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" | ", alternatives) + ")", longest);
    }

    private static string Written(long value, int decimals) =>
        (value / Math.Pow(10, decimals)).ToString(
            "F" + decimals.ToString(CultureInfo.InvariantCulture),
            CultureInfo.InvariantCulture);

    /// <summary>Patterns for the non-negative k in [a, b], written zero-padded to decimals + 1 digits with the point
    /// before the last <paramref name="decimals"/> digits.</summary>
    private static IEnumerable<string> Magnitudes(long a, long b, int decimals)
    {
        if (a > b)
        {
            yield break;
        }

        var width = decimals + 1;
        for (var digits = Math.Max(width, Digits(a)); digits <= Math.Max(width, Digits(b)); digits++)
        {
            var lowest = digits == width ? 0 : (long)Math.Pow(10, digits - 1);
            var highest = (long)Math.Pow(10, digits) - 1;
            var from = Math.Max(a, lowest);
            var to = Math.Min(b, highest);
            if (from > to)
            {
                continue;
            }

            foreach (var classes in SameWidth(Pad(from, digits), Pad(to, digits)))
            {
                if (decimals > 0)
                {
                    classes.Insert(classes.Count - decimals, "\".\"");
                }

                yield return string.Join(' ', classes);
            }
        }
    }

    private static int Digits(long value) => value.ToString(CultureInfo.InvariantCulture).Length;

    private static string Pad(long value, int digits) =>
        value.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');

    /// <summary>Digit-class sequences that together match exactly the strings of one width from <paramref name="low"/>
    /// to <paramref name="high"/>.</summary>
    private static IEnumerable<List<string>> SameWidth(string low, string high)
    {
        if (low.Length == 0)
        {
            yield return [];
            yield break;
        }

        if (low[0] == high[0])
        {
            foreach (var rest in SameWidth(low[1..], high[1..]))
            {
                rest.Insert(0, $"\"{low[0]}\"");
                yield return rest;
            }

            yield break;
        }

        var lowRest = low[1..];
        var highRest = high[1..];
        var lowFull = lowRest.All(c => c == '0');
        var highFull = highRest.All(c => c == '9');
        var middleFrom = (char)(low[0] + (lowFull ? 0 : 1));
        var middleTo = (char)(high[0] - (highFull ? 0 : 1));
        if (!lowFull)
        {
            foreach (var rest in SameWidth(lowRest, new string('9', lowRest.Length)))
            {
                rest.Insert(0, $"\"{low[0]}\"");
                yield return rest;
            }
        }

        if (middleFrom <= middleTo)
        {
            var head = middleFrom == middleTo ? $"\"{middleFrom}\"" : $"[{middleFrom}-{middleTo}]";
            yield return [head, .. Enumerable.Repeat("[0-9]", lowRest.Length)];
        }

        if (!highFull)
        {
            foreach (var rest in SameWidth(new string('0', highRest.Length), highRest))
            {
                rest.Insert(0, $"\"{high[0]}\"");
                yield return rest;
            }
        }
    }
}
