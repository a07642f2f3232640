namespace NnRnn.Experiments.Reports;

/// <summary>
/// Writes a report's folder: report.md, one CSV per table, one PNG per figure (drawn by the caller:
/// the figure library lives above this project) and index.html with the figures embedded.
/// </summary>
public static class ReportWriter
{
    /// <returns>The files written, relative to <paramref name="outDirectory"/>.</returns>
    public static IReadOnlyList<string> Write(Report report, string outDirectory, Action<CurvePlot, string> drawFigure)
    {
        Directory.CreateDirectory(outDirectory);
        var written = new List<string>();
        void Text(string name, string content)
        {
            File.WriteAllText(Path.Combine(outDirectory, name), content);
            written.Add(name);
        }
        foreach (var table in report.Tables) Text(table.Spec.Name + ".csv", ReportCsv.Write(table));
        var figures = new Dictionary<string, byte[]>();
        foreach (var curve in report.Curves)
        {
            var path = Path.Combine(outDirectory, curve.FileName);
            drawFigure(curve, path);
            figures[curve.FileName] = File.ReadAllBytes(path);
            written.Add(curve.FileName);
        }
        Text("report.md", ReportMarkdown.Write(report));
        Text("index.html", ReportHtml.Write(report, figures));
        return written;
    }
}
