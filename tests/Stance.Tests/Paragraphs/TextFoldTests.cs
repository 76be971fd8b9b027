using Stance.Paragraphs;

namespace Stance.Tests.Paragraphs;

/// <summary>The shortcut the target matching takes (<see cref="TextFold.IsFoldedAlready"/>: a text it accepts is used
/// as it is, unfolded) is only sound if such a text folds to itself.</summary>
public sealed class TextFoldTests
{
    [Fact]
    public void EveryTextTakenAsFoldedAlreadyFoldsToItself()
    {
        var random = new Random(19);
        var checkedTexts = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var length = random.Next(1, 12);
            var text = new string([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(' ', '~' + 1))]);
            if (!TextFold.IsFoldedAlready(text))
            {
                continue;
            }

            checkedTexts++;
            Assert.Equal(text, TextFold.Fold(text, ignoreCase: false).Text);
            Assert.Same(text, TextFold.FoldCaseKept(text));
        }

        // Every printable ASCII character, each alone and between letters.
        for (var c = ' ' + 1; c <= '~'; c++)
        {
            foreach (var text in new[] { ((char)c).ToString(), $"a{(char)c}b", $"a {(char)c} b" })
            {
                if (TextFold.IsFoldedAlready(text))
                {
                    checkedTexts++;
                    Assert.Equal(text, TextFold.Fold(text, ignoreCase: false).Text);
                }
            }
        }

        Assert.True(checkedTexts > 10_000, $"only {checkedTexts} texts were checked");
    }

    [Theory]
    [InlineData(" U.S.")]
    [InlineData("U.S. ")]
    [InlineData("United  States")]
    [InlineData("`quoted`")]
    [InlineData("Zürich")]
    [InlineData("U\u00A0S")]
    public void TextsThatFoldDifferentlyAreNotTakenAsFoldedAlready(string text)
    {
        Assert.False(TextFold.IsFoldedAlready(text));
        Assert.Equal(TextFold.Fold(text, ignoreCase: false).Text, TextFold.FoldCaseKept(text));
    }
}
