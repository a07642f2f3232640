using System.CommandLine;
using NnRnn.Analysis.Figures;
using NnRnn.Experiments.Reports;

namespace NnRnn.Cli;

/// <summary>
/// <c>nnrnn report --runs DIR ... --out DIR</c>: the seed's tables (mean ± SE over seeds) and
/// learning-curve figures from run directories, as report.md, CSV, PNG and a self-contained index.html.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Option<string[]>("--runs")
        {
            Description = "a run directory, or a folder searched recursively for run directories (e.g. a sweep root); repeatable",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var task = new Option<string?>("--task") { Description = $"only runs of this task ({string.Join(", ", TaskReportSpec.All.Select(s => s.Task))})" };
        var net = new Option<string[]>("--net-type") { Description = "only runs of these net types (repeatable or comma-separated)" };
        var output = new Option<string>("--out") { Description = "folder for report.md, the CSV tables, the PNG figures and index.html", Required = true };
        var command = new Command("report", "Tables (mean ± standard error over seeds) and learning-curve figures of finished runs, as the seed's README shows them.");
        foreach (var o in new Option[] { runs, task, net, output }) command.Options.Add(o);
        command.SetAction(r => AnalyzeOutput.Guard(() =>
        {
            var chosenTask = r.GetValue(task);
            if (chosenTask is not null && TaskReportSpec.For(chosenTask) is null)
                throw new ArgumentException($"--task: no report for '{chosenTask}' (expected one of: {string.Join(", ", TaskReportSpec.All.Select(s => s.Task))})");
            var nets = (r.GetValue(net) ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var directories = (r.GetValue(runs) ?? []).SelectMany(RunDirectories.Find).Distinct().ToList();
            var report = ReportBuilder.Build(directories, new ReportFilter(chosenTask, nets));
            if (report.Runs.Count == 0)
                throw new ArgumentException($"--runs: no run directories{(chosenTask is null && nets.Count == 0 ? "" : " matching --task/--net-type")} under {string.Join(", ", r.GetValue(runs) ?? [])}");
            var dir = AnalyzeOutput.Folder(r.GetValue(output), "report");
            var written = ReportWriter.Write(report, dir, Draw);
            Console.WriteLine($"{report.Runs.Count} runs: {report.Tables.Count} tables, {report.Curves.Count} figures; " +
                              $"{report.Excluded.Count} runs not averaged, {report.Notes.Count} missing metrics");
            foreach (var table in report.Tables) Console.Write("\n" + ReportMarkdown.Table(table));
            Console.WriteLine($"\nwrote {written.Count} files to {dir} (open {Path.Combine(dir, "index.html")})");
            return 0;
        }));
        return command;
    }

    /// <summary>A <see cref="CurvePlot"/> as a PNG (the figure library knows nothing of reports).</summary>
    public static void Draw(CurvePlot plot, string path)
        => LearningCurveFigure.Save(path, plot.Title, plot.Spec.XLabel, plot.Spec.YLabel,
            plot.Series.Select(s => new LearningCurve($"{s.Model.Label}, {s.Runs} seed{(s.Runs == 1 ? "" : "s")}", s.X, s.Mean, s.Se)).ToList(),
            plot.Baseline is { } b ? (plot.Spec.BaselineLabel ?? "baseline", b) : null);
}
