using Stance.Evaluation.Comparison;

namespace Stance.Tests.Evaluation.Comparison;

/// <summary>Gold items with both prompts' predictions, built by hand for the comparison tests.</summary>
internal static class ComparisonSamples
{
    /// <summary>Prompt A as the tests name it.</summary>
    public static readonly ComparedPrompt PromptA =
        new("stance", "prompts/stance", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

    /// <summary>Prompt B as the tests name it.</summary>
    public static readonly ComparedPrompt PromptB =
        new("stance-v2", "prompts-v2/stance", "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");

    /// <summary>One item.</summary>
    public static ComparedItem Item(string id, string target, string gold, string a, string b, string? text = null) =>
        new(id, target, text ?? $"text of {id}", gold, a, b);

    /// <summary>40 items, 20 favor and 20 against, both prompts right on 36; of the other four B broke two and
    /// fixed two, mirrored so A's and B's confusion matrices are the same: every metric differs by exactly
    /// 0.</summary>
    public static List<ComparedItem> Swapped()
    {
        var items = Enumerable.Range(0, 36)
            .Select(i => i % 2 == 0 ? "favor" : "against")
            .Select((label, i) => Item($"same-{i:D2}", "T", label, label, label))
            .ToList();
        items.Add(Item("broke-1", "T", "favor", "favor", "against"));
        items.Add(Item("broke-2", "T", "against", "against", "favor"));
        items.Add(Item("fixed-1", "T", "favor", "against", "favor"));
        items.Add(Item("fixed-2", "T", "against", "favor", "against"));
        return items;
    }

    /// <summary>40 items, gold favor, against, none in turn; B is right on all, A only on the first 10 (on the
    /// other 30 it predicts the next label in that cycle): B right on 30 more, nothing the other way.</summary>
    public static List<ComparedItem> BBetter()
    {
        string[] labels = ["favor", "against", "none"];
        return
        [
            .. Enumerable.Range(0, 40).Select(i => Item(
                $"item-{i:D2}",
                "T",
                labels[i % 3],
                i < 10 ? labels[i % 3] : labels[(i + 1) % 3],
                labels[i % 3])),
        ];
    }

    /// <summary><paramref name="count"/> items over three targets with labels drawn from
    /// <c>Random(<paramref name="seed"/>)</c>: gold at random, each prompt right about two times in three.</summary>
    public static List<ComparedItem> Noisy(int count, int seed = 7)
    {
        string[] labels = ["favor", "against", "none"];
        string[] targets = ["EU", "NATO", "climate"];
        var random = new Random(seed);
        string Predict(string gold) => random.Next(3) < 2 ? gold : labels[random.Next(3)];
        return
        [
            .. Enumerable.Range(0, count).Select(i =>
            {
                var gold = labels[random.Next(3)];
                return Item($"n{i:D4}", targets[i % 3], gold, Predict(gold), Predict(gold));
            }),
        ];
    }

    /// <summary>A comparison of <paramref name="items"/> with the default resamples and seed.</summary>
    public static PromptComparison Compare(IReadOnlyList<ComparedItem> items, string id = "20260101T000000Z-abc") =>
        PromptComparison.Compute(id, "gold/stance-gold.jsonl", PromptA, PromptB, items);
}
