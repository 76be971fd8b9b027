using Spectre.Console;
using Spectre.Console.Rendering;

namespace Stance.Reporting;

/// <summary>Prints Spectre.Console tables: with borders on a terminal, as plain space-aligned columns (no border, no
/// control codes, never wrapped) in logs and pipes.</summary>
internal static class ConsoleTable
{
    private const int PlainWidth = 1_000;

    /// <summary>True when standard output is an interactive terminal.</summary>
    public static bool IsTerminal => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>A table with the given columns; those after the first are numbers, aligned right.</summary>
    public static Table Create(params string[] columns)
    {
        var table = new Table();
        for (var i = 0; i < columns.Length; i++)
        {
            var column = new TableColumn(new Text(columns[i]));
            table.AddColumn(i == 0 ? column : column.RightAligned());
        }

        return table;
    }

    /// <summary>Adds a row of plain text cells (never read as markup, so brackets in a document id are kept).</summary>
    public static Table AddCells(this Table table, params string[] cells) =>
        table.AddRow([.. cells.Select(cell => (IRenderable)new Text(cell))]);

    /// <summary>Writes <paramref name="table"/> to the terminal with borders, or as plain text to
    /// <paramref name="plain"/> when the output is not a terminal.</summary>
    public static void Write(Table table, TextWriter plain)
    {
        if (IsTerminal)
        {
            AnsiConsole.Write(table.Border(TableBorder.Rounded));
        }
        else
        {
            plain.Write(Plain(table));
        }
    }

    /// <summary>The table as plain text: columns aligned with spaces, no border, no control codes, never
    /// wrapped.</summary>
    public static string Plain(Table table)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = PlainWidth;
        console.Write(table.Border(TableBorder.None));
        var lines = writer.ToString().Split('\n').Select(line => line.TrimEnd()).Where(line => line.Length > 0);
        return string.Join('\n', lines) + '\n';
    }
}
