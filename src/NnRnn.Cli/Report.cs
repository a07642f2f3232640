using System.Globalization;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary>Console tables for run summaries.</summary>
public static class Report
{
    public static void Summary(IEnumerable<(string Name, object? Value)> entries)
    {
        var table = new Table().AddColumn("metric").AddColumn("value");
        foreach (var (name, value) in entries)
            table.AddRow(name, value is double d ? d.ToString("0.#####", CultureInfo.InvariantCulture)
                : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
        AnsiConsole.Write(table);
    }
}
