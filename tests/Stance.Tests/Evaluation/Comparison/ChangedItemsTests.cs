using Stance.Evaluation.Comparison;
using static Stance.Tests.Evaluation.Comparison.ComparisonSamples;

namespace Stance.Tests.Evaluation.Comparison;

/// <summary>The changed items come most informative first: fixed, broke, both wrong; then by target and id.</summary>
public sealed class ChangedItemsTests
{
    [Fact]
    public void ItemsBFixedComeFirstThenItemsBBrokeThenBothWrongEachByTargetThenId()
    {
        ComparedItem[] items =
        [
            Item("c1", "t1", "none", "favor", "against"), // both wrong
            Item("b2", "t2", "favor", "against", "favor"), // fixed
            Item("a2", "t2", "favor", "favor", "none"), // broke
            Item("z9", "t1", "none", "none", "none"), // unchanged: left out
            Item("a1", "t1", "favor", "none", "favor"), // fixed
            Item("a0", "t1", "against", "against", "none"), // broke
            Item("B1", "t1", "against", "none", "against"), // fixed; ordinal: "B1" before "a1"
            Item("w0", "t0", "favor", "against", "against"), // unchanged (both wrong alike): left out
            Item("c0", "t0", "against", "none", "favor"), // both wrong, target t0 before t1
        ];

        var changed = ChangedItems.Order(items);

        Assert.Equal(["B1", "a1", "b2", "a0", "a2", "c0", "c1"], changed.Select(item => item.Id));
        Assert.Equal(
            [
                ChangeKind.Fixed, ChangeKind.Fixed, ChangeKind.Fixed, ChangeKind.Broke, ChangeKind.Broke,
                ChangeKind.BothWrong, ChangeKind.BothWrong,
            ],
            changed.Select(ChangedItems.KindOf));
    }

    [Fact]
    public void AnItemWithTheSameLabelFromBothPromptsIsUnchanged()
    {
        Assert.Equal(ChangeKind.Unchanged, ChangedItems.KindOf(Item("x", "t", "favor", "none", "none")));
        Assert.Equal("B fixed", ChangedItems.Describe(ChangeKind.Fixed));
    }
}
