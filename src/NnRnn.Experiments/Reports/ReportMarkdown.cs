using System.Text;

namespace NnRnn.Experiments.Reports;

/// <summary>report.md: the tables as the seed's README lays them out, the figures, and the runs left out.</summary>
public static class ReportMarkdown
{
    public static string Write(Report report)
    {
        var md = new StringBuilder("# nnrnn report\n\n");
        md.Append($"{report.Runs.Count} runs; numbers are mean ± standard error over seeds (n = runs averaged); only finished runs are averaged.\n\n");
        foreach (var task in TaskReportSpec.All.Where(t => report.Tables.Any(x => x.Task == t.Task) || report.Curves.Any(c => c.Task == t.Task)))
        {
            md.Append($"## {task.Title}\n\n");
            foreach (var table in report.Tables.Where(t => t.Task == task.Task)) md.Append(Table(table)).Append('\n');
            foreach (var curve in report.Curves.Where(c => c.Task == task.Task))
            {
                md.Append($"### {curve.Title}\n\n![{curve.Title}]({curve.FileName})\n\n");
                if (curve.Baseline is { } b) md.Append($"Dashed: {curve.Spec.BaselineLabel} = {b.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}.\n\n");
            }
        }
        md.Append(Excluded(report));
        if (report.Notes.Count > 0)
        {
            md.Append("## Missing metrics\n\n");
            foreach (var note in report.Notes) md.Append($"- {note}\n");
            md.Append('\n');
        }
        return md.ToString();
    }

    public static string Table(ReportTable table)
    {
        var md = new StringBuilder($"### {table.Spec.Title}\n\n");
        md.Append("| Model | Params | ").Append(string.Join(" | ", table.Columns)).Append(" |\n");
        md.Append("|---|---|").Append(string.Concat(table.Columns.Select(_ => "---|"))).Append('\n');
        foreach (var model in table.Rows)
            md.Append($"| {model.Label} | {table.ParameterText(model)} | ")
              .Append(string.Join(" | ", table.Columns.Select(c => table.Cell(model, c)?.Value.Format(table.Spec.Decimals) ?? "–")))
              .Append(" |\n");
        return md.ToString();
    }

    private static string Excluded(Report report)
    {
        if (report.Excluded.Count == 0) return "";
        var md = new StringBuilder("## Runs not averaged\n\n| Run | Status | Why |\n|---|---|---|\n");
        foreach (var e in report.Excluded) md.Append($"| {e.Directory} | {e.Status} | {e.Reason.Replace("|", "\\|")} |\n");
        return md.Append('\n').ToString();
    }
}
