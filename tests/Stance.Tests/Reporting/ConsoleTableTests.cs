using Stance.Reporting;

namespace Stance.Tests.Reporting;

/// <summary>The plain form of the console tables, which logs and pipes get.</summary>
public sealed class ConsoleTableTests
{
    [Fact]
    public void APlainTableHasNoBorderNorControlCodesAndAlignsNumbersRight()
    {
        var table = ConsoleTable.Create("document", "paragraphs", "calls")
            .AddCells("op-ed [draft].txt", "6", "12")
            .AddCells("a.md", "1234", "7");

        var lines = ConsoleTable.Plain(table).TrimEnd('\n').Split('\n');

        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.DoesNotContain('\u001b', line));
        Assert.All(lines, line => Assert.DoesNotMatch("[│─┌┐└┘╭╮╰╯|+]", line));
        Assert.StartsWith("op-ed [draft].txt", lines[1], StringComparison.Ordinal); // brackets are text, not markup
        Assert.Single(lines.Select(line => line.Length).Distinct()); // the last column is right-aligned
        Assert.Equal(lines[0].IndexOf("paragraphs", StringComparison.Ordinal) + "paragraphs".Length,
            lines[2].IndexOf("1234", StringComparison.Ordinal) + 4);
    }

    [Fact]
    public void ALongCellIsNeverWrapped()
    {
        var id = string.Concat(Enumerable.Repeat("long-document-name-", 20));
        var table = ConsoleTable.Create("document", "calls").AddCells(id, "1");

        var lines = ConsoleTable.Plain(table).TrimEnd('\n').Split('\n');

        Assert.Equal(2, lines.Length);
        Assert.StartsWith(id, lines[1], StringComparison.Ordinal);
    }
}
