using Spectre.Console;

namespace Kagi.Cli.Infrastructure;

/// <summary>Tables that render Japanese text safely.</summary>
internal static class Tables
{
    /// <summary>
    /// A table with the given headers. Spectre.Console 0.49 fails when it must fold a wide (CJK) word across
    /// lines, so columns truncate with an ellipsis instead of folding, and output that is not a terminal is
    /// rendered wide enough not to need either.
    /// </summary>
    public static Table Create(params string[] headers)
    {
        var table = new Table();
        foreach (string header in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)) { NoWrap = false });
        }

        return table;
    }
}
