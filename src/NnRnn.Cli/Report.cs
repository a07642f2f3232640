using System.Globalization;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary>Console tables for run summaries.</summary>
public static class Report
{
    public static void Summary(IReadOnlyDictionary<string, object> summary, params string[] keys)
    {
        var table = new Table().AddColumn("metric").AddColumn("value");
        foreach (var key in keys.Where(summary.ContainsKey))
            table.AddRow(key, summary[key] is double d ? d.ToString("0.#####", CultureInfo.InvariantCulture)
                : Convert.ToString(summary[key], CultureInfo.InvariantCulture) ?? "");
        AnsiConsole.Write(table);
    }
}
