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
            AllowMultipleArgumentsPerToken = false,
        };
        var sweep = new Option<string?>("--sweep") { Description = "the runs of this sweep, as recorded in the run store (nnrnn sweep)" };
        var store = new Option<string?>("--store") { Description = $"run store to read the runs from (default with --sweep: runs/{NnRnn.Experiments.Store.RunStore.DefaultFileName}, the default sweep root's)" };
        var task = new Option<string?>("--task") { Description = $"only runs of this task ({string.Join(", ", TaskReportSpec.All.Select(s => s.Task))})" };
        var net = new Option<string[]>("--net-type") { Description = "only runs of these net types (repeatable or comma-separated)" };
        var output = new Option<string>("--out") { Description = "folder for report.md, the CSV tables, the PNG figures and index.html", Required = true };
        var command = new Command("report", "Tables (mean ± standard error over seeds) and learning-curve figures of finished runs, as the seed's README shows them.");
        foreach (var o in new Option[] { runs, sweep, store, task, net, output }) command.Options.Add(o);
        command.SetAction(r => AnalyzeOutput.Guard(() =>
        {
            var chosenTask = r.GetValue(task);
            if (chosenTask is not null && TaskReportSpec.For(chosenTask) is null)
                throw new ArgumentException($"--task: no report for '{chosenTask}' (expected one of: {string.Join(", ", TaskReportSpec.All.Select(s => s.Task))})");
            var nets = (r.GetValue(net) ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var given = r.GetValue(runs) ?? [];
            var sweepName = r.GetValue(sweep);
            var storePath = r.GetValue(store);
            if (given.Length == 0 && sweepName is null && storePath is null)
                throw new ArgumentException("--runs or --sweep: say which runs to report (run directories, or a sweep recorded in the run store)");
            var directories = given.SelectMany(RunDirectories.Find).ToList();
            if (sweepName is not null || storePath is not null)
                directories.AddRange(StoreDirectories(storePath ?? Path.Combine("runs", NnRnn.Experiments.Store.RunStore.DefaultFileName), sweepName, chosenTask));
            directories = directories.Distinct().ToList();
            var report = ReportBuilder.Build(directories, new ReportFilter(chosenTask, nets));
            if (report.Runs.Count == 0)
                throw new ArgumentException(sweepName is not null && given.Length == 0
                    ? $"--sweep: no runs of sweep '{sweepName}'{(chosenTask is null && nets.Count == 0 ? "" : " matching --task/--net-type")} in the run store"
                    : $"--runs: no run directories{(chosenTask is null && nets.Count == 0 ? "" : " matching --task/--net-type")} under {string.Join(", ", given)}");
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

    // The run directories the store knows for a sweep (or all of them); directories that are gone are skipped.
    private static IEnumerable<string> StoreDirectories(string path, string? sweep, string? task)
    {
        if (!File.Exists(path)) throw new ArgumentException($"--store: no run store at {path} (run a sweep first, or give --store PATH)");
        using var db = NnRnn.Experiments.Store.RunStore.Open(path, create: false);
        return db.Query(new NnRnn.Experiments.Store.RunFilter(Task: task, Sweep: sweep))
            .Select(run => run.Directory).Where(Directory.Exists).ToList();
    }

    /// <summary>A <see cref="CurvePlot"/> as a PNG (the figure library knows nothing of reports).</summary>
    public static void Draw(CurvePlot plot, string path)
        => LearningCurveFigure.Save(path, plot.Title, plot.Spec.XLabel, plot.Spec.YLabel,
            plot.Series.Select(s => new LearningCurve($"{s.Model.Label}, {s.Runs} seed{(s.Runs == 1 ? "" : "s")}", s.X, s.Mean, s.Se)).ToList(),
            plot.Baseline is { } b ? (plot.Spec.BaselineLabel ?? "baseline", b) : null);
}
