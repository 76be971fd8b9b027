using Spectre.Console;
using Stance.Reporting;
using static Stance.Evaluation.Comparison.ComparisonFormat;

namespace Stance.Evaluation.Comparison;

/// <summary>Prints a comparison of two prompts: the headline metrics with B − A and its interval, the bootstrap's
/// settings, McNemar's test, F_avg per target and the changed items (tables with borders on a terminal, plain
/// columns in logs and pipes). Every figure is printed beside its name, invariant culture, 4 decimals.</summary>
internal static class ComparisonConsole
{
    /// <summary>The most changed items printed; the rest are counted.</summary>
    public const int MaxChangedItems = 20;

    /// <summary>Prints <paramref name="c"/>, then where its predictions (<paramref name="parquetPath"/>) and page
    /// (<paramref name="pagePath"/>) are.</summary>
    public static void Print(TextWriter console, PromptComparison c, string parquetPath, string pagePath)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(c);
        console.WriteLine(
            $"Comparison {c.ComparisonId} on {c.GoldPath}: {Number(c.ScoresA.Count)} items, " +
            $"{Number(c.Changed.Count)} with a different label");
        console.WriteLine($"A: {c.PromptA.Label} ({c.PromptA.Folder})");
        console.WriteLine($"B: {c.PromptB.Label} ({c.PromptB.Folder})");

        var metrics = ConsoleTable.Create("metric", "A", "B", "B − A", "95 % CI");
        foreach (var delta in c.Deltas)
        {
            metrics.AddCells(delta.Metric, Fixed(delta.A), Fixed(delta.B), Fixed(delta.Delta.Value),
                Interval(delta.Delta));
        }

        ConsoleTable.Write(metrics, console);
        console.WriteLine(
            $"paired bootstrap: {Number(c.Resamples)} resamples, seed {Number(c.Seed)} " +
            "(95 % CI: 2.5th and 97.5th percentiles, linear interpolation)");
        console.WriteLine(
            $"McNemar exact: only A right {Number(c.McNemar.OnlyACorrect)}, " +
            $"only B right {Number(c.McNemar.OnlyBCorrect)}, p = {Fixed(c.McNemar.PValue)}");

        console.WriteLine("F_avg per target:");
        var targets = ConsoleTable.Create("target", "n", "F_avg A", "F_avg B", "B − A", "95 % CI");
        foreach (var target in c.Targets)
        {
            targets.AddCells(target.Target, Number(target.Count), Fixed(target.A.Value), Fixed(target.B.Value),
                Fixed(target.Delta.Value), Interval(target.Delta));
        }

        ConsoleTable.Write(targets, console);

        if (c.Changed.Count == 0)
        {
            console.WriteLine("changed items: none");
        }
        else
        {
            console.WriteLine("changed items (B fixed, then B broke, then both wrong):");
            var changed = ConsoleTable.Create("id", "target", "gold", "A", "B", "text");
            foreach (var column in changed.Columns)
            {
                column.LeftAligned();
            }

            foreach (var item in c.Changed.Take(MaxChangedItems))
            {
                changed.AddCells(item.Id, item.Target, item.Gold, item.A, item.B, Excerpt(item.Text));
            }

            ConsoleTable.Write(changed, console);
            if (c.Changed.Count > MaxChangedItems)
            {
                console.WriteLine(
                    $"… and {Number(c.Changed.Count - MaxChangedItems)} more changed items (all on the page)");
            }
        }

        console.WriteLine($"predictions: {parquetPath}");
        console.WriteLine($"page: {pagePath}");
    }
}
