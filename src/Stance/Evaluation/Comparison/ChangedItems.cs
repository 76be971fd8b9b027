namespace Stance.Evaluation.Comparison;

/// <summary>The items whose label changed from prompt A to prompt B, most informative first.</summary>
internal static class ChangedItems
{
    /// <summary>The items where A ≠ B: first those B fixed (A wrong, B right), then those B broke (A right, B wrong),
    /// then those both got wrong with different labels; within each group by target, then id (ordinal).</summary>
    public static IReadOnlyList<ComparedItem> Order(IEnumerable<ComparedItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return
        [
            .. items
                .Where(item => item.Changed)
                .OrderBy(KindOf)
                .ThenBy(item => item.Target, StringComparer.Ordinal)
                .ThenBy(item => item.Id, StringComparer.Ordinal),
        ];
    }

    /// <summary>How B's label on <paramref name="item"/> relates to A's.</summary>
    public static ChangeKind KindOf(ComparedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return (item.Changed, item.ACorrect, item.BCorrect) switch
        {
            (false, _, _) => ChangeKind.Unchanged,
            (true, false, true) => ChangeKind.Fixed,
            (true, true, false) => ChangeKind.Broke,
            _ => ChangeKind.BothWrong,
        };
    }

    /// <summary>The kind as the reports name it.</summary>
    public static string Describe(ChangeKind kind) => kind switch
    {
        ChangeKind.Fixed => "B fixed",
        ChangeKind.Broke => "B broke",
        ChangeKind.BothWrong => "both wrong",
        _ => "unchanged",
    };
}
