using System.Net;
using System.Text;

namespace NnRnn.Experiments.Reports;

/// <summary>
/// index.html: the report in one self-contained file (figures embedded as base64 PNG data URIs,
/// the style inline), so it opens anywhere without its folder.
/// </summary>
public static class ReportHtml
{
    /// <param name="figures">PNG bytes by <see cref="CurvePlot.FileName"/>; a curve without them is named but not shown.</param>
    public static string Write(Report report, IReadOnlyDictionary<string, byte[]> figures)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>nnrnn report</title>\n<style>")
            .Append("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}")
            .Append("th,td{border:1px solid #999;padding:.3em .7em;text-align:right}th:first-child,td:first-child{text-align:left}")
            .Append("img{max-width:100%;border:1px solid #ddd}</style></head><body>\n")
            .Append("<h1>nnrnn report</h1>\n")
            .Append($"<p>{report.Runs.Count} runs; numbers are mean ± standard error over seeds (n = runs averaged); only finished runs are averaged.</p>\n");
        foreach (var task in TaskReportSpec.All.Where(t => report.Tables.Any(x => x.Task == t.Task) || report.Curves.Any(c => c.Task == t.Task)))
        {
            html.Append($"<h2>{E(task.Title)}</h2>\n");
            foreach (var table in report.Tables.Where(t => t.Task == task.Task)) html.Append(Table(table));
            foreach (var curve in report.Curves.Where(c => c.Task == task.Task))
            {
                html.Append($"<h3>{E(curve.Title)}</h3>\n");
                html.Append(figures.TryGetValue(curve.FileName, out var png)
                    ? $"<img alt=\"{E(curve.Title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">\n"
                    : $"<p>(figure {E(curve.FileName)} not drawn)</p>\n");
                if (curve.Baseline is { } b)
                    html.Append($"<p>Dashed: {E(curve.Spec.BaselineLabel ?? "baseline")} = {b.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}.</p>\n");
            }
        }
        if (report.Excluded.Count > 0)
        {
            html.Append("<h2>Runs not averaged</h2>\n<table class=\"excluded\"><tr><th>Run</th><th>Status</th><th>Why</th></tr>\n");
            foreach (var e in report.Excluded) html.Append($"<tr><td>{E(e.Directory)}</td><td>{E(e.Status)}</td><td>{E(e.Reason)}</td></tr>\n");
            html.Append("</table>\n");
        }
        if (report.Notes.Count > 0)
        {
            html.Append("<h2>Missing metrics</h2>\n<ul>\n");
            foreach (var n in report.Notes) html.Append($"<li>{E(n)}</li>\n");
            html.Append("</ul>\n");
        }
        return html.Append("</body></html>\n").ToString();
    }

    private static string Table(ReportTable table)
    {
        var html = new StringBuilder($"<h3>{E(table.Spec.Title)}</h3>\n<table class=\"results\" data-rows=\"{table.Rows.Count}\"><tr><th>Model</th><th>Params</th>");
        foreach (var c in table.Columns) html.Append($"<th>{E(c)}</th>");
        html.Append("</tr>\n");
        foreach (var model in table.Rows)
        {
            html.Append($"<tr><td>{E(model.Label)}</td><td>{E(table.ParameterText(model))}</td>");
            foreach (var c in table.Columns) html.Append($"<td>{E(table.Cell(model, c)?.Value.Format(table.Spec.Decimals) ?? "–")}</td>");
            html.Append("</tr>\n");
        }
        return html.Append("</table>\n").ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
