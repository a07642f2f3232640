using ScottPlot;

namespace NnRnn.Analysis.Fidelity;

/// <summary>
/// One PNG per per-epoch task: a column per model, the training curve on top and the validation curve
/// below, ours and the original each as the mean over seeds with a ±1 SE band.
/// </summary>
public static class EpochCurvesFigure
{
    public static void Save(string path, EpochTask task, IReadOnlyList<(EpochRuns Ours, EpochRuns Original)> models)
    {
        var multiplot = new Multiplot();
        bool first = true;
        foreach (var (column, label) in new[] { (task.Train, task.TrainLabel), (task.Valid, task.ValidLabel) })
            foreach (var (ours, original) in models)
            {
                // an exploding model (RNN: losses of 10⁷) flattens a linear axis: log scale when the means span > 2 decades
                var means = new[] { ours, original }.SelectMany(r => r.MeanCurve(column).Mean).Where(double.IsFinite).ToArray();
                bool log = means.Length > 0 && means.Min() > 0 && means.Max() / means.Min() > 100;
                Func<double, double> y = log ? Math.Log10 : v => v;
                var plot = Figures.Figure.Create($"{ours.Model}: {label}", "epoch", $"{label}, mean ± SE over seeds{(log ? " (log scale)" : "")}");
                int series = 0;
                foreach (var runs in new[] { ours, original })
                {
                    var color = Figures.Figure.SeriesColor(series++);
                    var (mean, se) = runs.MeanCurve(column);
                    if (mean.Length == 0) continue;
                    var x = Enumerable.Range(1, mean.Length).Select(i => (double)i).ToArray();
                    // on the log scale the band's lower edge is floored at a tenth of the mean
                    var band = plot.Add.FillY(x, mean.Zip(se, (m, s) => y(Math.Max(m - (double.IsNaN(s) ? 0 : s), log ? m / 10 : double.NegativeInfinity))).ToArray(),
                                                 mean.Zip(se, (m, s) => y(m + (double.IsNaN(s) ? 0 : s))).ToArray());
                    band.FillColor = color.WithAlpha(0.25);
                    band.LineWidth = 0;
                    var line = plot.Add.ScatterLine(x, mean.Select(y).ToArray());
                    line.Color = color;
                    line.LineWidth = 2;
                    line.MarkerSize = 5;
                    line.LegendText = $"{runs.Implementation} ({runs.Column(column).Count} seeds)";
                }
                if (log) Figures.LogAxis.ApplyLeft(plot);
                plot.ShowLegend(Alignment.UpperRight);
                if (first) multiplot.Reset(plot); else multiplot.AddPlot(plot);
                first = false;
            }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: 2, columns: models.Count);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, 520 * models.Count, 900);
    }
}
