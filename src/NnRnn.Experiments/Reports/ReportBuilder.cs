namespace NnRnn.Experiments.Reports;

/// <summary>
/// Gathers run directories into the seed's tables and figures: runs are grouped by task, model
/// (<see cref="ModelKey"/>) and the task's column (<see cref="TaskReportSpec.Column"/>); the seeds
/// of a group are its replicates. Only finished runs are averaged; diverged, unfinished and
/// unreadable runs are listed apart, and a missing metric is a note, never an error.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Most points a learning curve keeps: longer runs are averaged in consecutive bins (a 1500-update copy-task curve is noise otherwise).</summary>
    public const int MaxCurvePoints = 300;

    public static Report Build(IEnumerable<string> runDirectories, ReportFilter? filter = null)
    {
        filter ??= new ReportFilter();
        var runs = new List<RunRecord>();
        var excluded = new List<ExcludedRun>();
        var notes = new List<string>();
        foreach (var dir in runDirectories)
        {
            RunRecord run;
            try
            {
                run = RunRecord.Read(dir);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or FormatException)
            {
                excluded.Add(new ExcludedRun(dir, "unreadable", e.Message));
                continue;
            }
            if (!filter.Keeps(run)) continue;
            runs.Add(run);
            if (TaskReportSpec.For(run.Task) is null)
                excluded.Add(new ExcludedRun(dir, run.Status, $"task '{run.Task}' has no report"));
            else if (!run.IsFinished)
                excluded.Add(new ExcludedRun(dir, run.Status, run.Status == RunRecord.Unfinished
                    ? "no summary.json (still running, killed or failed)" : "not averaged: the run stopped on a non-finite value"));
        }

        var tables = new List<ReportTable>();
        var curves = new List<CurvePlot>();
        foreach (var spec in TaskReportSpec.All)
        {
            var finished = runs.Where(r => r.Task == spec.Task && r.IsFinished).ToList();
            if (finished.Count == 0) continue;
            var columns = finished.Select(spec.Column).Distinct().OrderBy(ColumnOrder).ThenBy(c => c, StringComparer.Ordinal).ToList();
            var models = finished.Select(Model).Distinct().OrderBy(m => m.Rank).ThenBy(m => m.NetType, StringComparer.Ordinal).ThenBy(m => m.HiddenSize).ToList();
            foreach (var table in spec.Tables)
                tables.Add(Table(spec, table, finished, columns, models, notes));
            foreach (var column in columns)
                if (Curve(spec, column, finished.Where(r => spec.Column(r) == column).ToList(), models, notes) is { } plot)
                    curves.Add(plot);
        }
        return new Report(runs, tables, curves, excluded, notes);
    }

    public static ModelKey Model(RunRecord run) => new(run.NetType, run.HiddenSize);

    /// <summary>Numeric columns in numeric order ("T_PTB = 150" before "T_PTB = 300").</summary>
    private static double ColumnOrder(string column)
        => double.TryParse(column.Split('=').Last().Trim(), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.MaxValue;

    private static ReportTable Table(TaskReportSpec task, TableSpec spec, List<RunRecord> runs, List<string> columns, List<ModelKey> models, List<string> notes)
    {
        var cells = new Dictionary<(ModelKey, string), TableCell>();
        foreach (var group in runs.GroupBy(r => (Model: Model(r), Column: task.Column(r))))
        {
            var with = group.Where(r => r.SummaryValue(spec.Metric) is { } v && double.IsFinite(v)).ToList();
            foreach (var r in group.Except(with))
                notes.Add($"{r.Directory}: summary.json has no finite {spec.Metric} (left out of \"{spec.Title}\")");
            if (with.Count > 0)
                cells[group.Key] = new TableCell(MeanSe.Of(with.Select(r => r.SummaryValue(spec.Metric)!.Value * spec.Scale).ToList()),
                    with.Select(r => r.Directory).ToList());
        }
        // a model's count is the same in every column (T does not change it); the largest if runs disagree
        var parameters = runs.Where(r => r.SummaryValue("parameters") is > 0).GroupBy(Model)
            .ToDictionary(g => g.Key, g => g.Max(r => (long)r.SummaryValue("parameters")!.Value));
        return new ReportTable(spec, task.Task, columns, models.Where(m => cells.Keys.Any(k => k.Item1 == m)).ToList(), cells, parameters);
    }

    private static CurvePlot? Curve(TaskReportSpec task, string column, List<RunRecord> runs, List<ModelKey> models, List<string> notes)
    {
        var spec = task.Curve;
        var series = new List<CurveSeries>();
        foreach (var model in models)
        {
            var group = runs.Where(r => Model(r) == model).ToList();
            var with = group.Where(r => r.Metrics.ContainsKey(spec.XColumn) && r.Metrics.TryGetValue(spec.YColumn, out var y) && y.Length > 0).ToList();
            foreach (var r in group.Except(with))
                notes.Add($"{r.Directory}: metrics.csv has no {spec.YColumn} rows (left out of \"{spec.Title}\")");
            if (with.Count == 0) continue;
            // the replicates share their first n rows; a shorter run cuts the curve
            int n = with.Min(r => r.Metrics[spec.YColumn].Length);
            if (with.Any(r => r.Metrics[spec.YColumn].Length != n))
                notes.Add($"{model.Label}, {column}: runs of different lengths; the curve stops at the shortest ({n} rows)");
            int bin = (n + MaxCurvePoints - 1) / MaxCurvePoints;
            var x = Binned(with[0].Metrics[spec.XColumn], n, bin);
            var ys = with.Select(r => Binned(r.Metrics[spec.YColumn], n, bin)).ToList();
            var stats = Enumerable.Range(0, x.Length).Select(i => MeanSe.Of(ys.Select(y => y[i] * spec.Scale).ToList())).ToArray();
            series.Add(new CurveSeries(model, x, stats.Select(s => s.Mean).ToArray(), stats.Select(s => double.IsNaN(s.Se) ? 0 : s.Se).ToArray(), with.Count));
        }
        if (series.Count == 0) return null;
        double? baseline = spec.BaselineMetric is { } b && runs.Select(r => r.SummaryValue(b)).OfType<double>().ToList() is { Count: > 0 } values
            ? values.Average() : null;
        return new CurvePlot(spec, task.Task, column, series, baseline);
    }

    /// <summary>The means of consecutive bins of <paramref name="bin"/> values over the first <paramref name="n"/>.</summary>
    private static double[] Binned(double[] values, int n, int bin)
        => Enumerable.Range(0, (n + bin - 1) / bin).Select(i => values.Skip(i * bin).Take(Math.Min(bin, n - i * bin)).Average()).ToArray();
}
