using NnRnn.Analysis.Figures;
using ScottPlot;

namespace NnRnn.Analysis.Fidelity;

/// <summary>One PNG per task: per model, the mean learning curve over seeds of ours and of the original, with a ±1 SE band.</summary>
public static class CurvesFigure
{
    /// <param name="smooth">Moving-average width over updates (the per-update loss is noisy at batch 10).</param>
    public static void Save(string path, string task, IReadOnlyList<(LearningCurves Ours, LearningCurves Original)> models, int smooth = 10)
    {
        var multiplot = new Multiplot();
        bool first = true;
        foreach (var (ours, original) in models)
        {
            var plot = Figures.Figure.Create($"{ours.Model} ({task})", "update", "loss, mean ± SE over seeds (log scale)");
            int series = 0;
            foreach (var curves in new[] { ours, original })
            {
                if (curves.LossBySeed.Count == 0) { series++; continue; }
                var (mean, se) = curves.MeanCurve();
                var m = Smooth(mean, smooth);
                var s = Smooth(se, smooth);
                var x = Enumerable.Range(1, m.Length).Select(i => (double)i).ToArray();
                var color = Figures.Figure.SeriesColor(series++);
                // log scale: a few diverging seeds (loss 1e2–1e7) would flatten every curve on a linear axis;
                // the band's lower edge is floored at a tenth of the mean where the SE exceeds it
                var band = plot.Add.FillY(x, m.Zip(s, (a, b) => Math.Log10(Math.Max(a - b, a / 10))).ToArray(),
                    m.Zip(s, (a, b) => Math.Log10(a + b)).ToArray());
                band.FillColor = color.WithAlpha(0.25);
                band.LineWidth = 0;
                var line = plot.Add.ScatterLine(x, m.Select(Math.Log10).ToArray());
                line.Color = color;
                line.LineWidth = 2;
                line.LegendText = $"{curves.Implementation} ({curves.LossBySeed.Count} seeds)";
            }
            Figures.LogAxis.ApplyLeft(plot);
            plot.ShowLegend(Alignment.UpperRight);
            if (first) multiplot.Reset(plot); else multiplot.AddPlot(plot);
            first = false;
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: (models.Count + 2) / 3, columns: Math.Min(3, models.Count));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, 600 * Math.Min(3, models.Count), 450 * ((models.Count + 2) / 3));
    }

    private static double[] Smooth(double[] xs, int width)
    {
        var result = new double[xs.Length];
        double sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            sum += xs[i];
            if (i >= width) sum -= xs[i - width];
            result[i] = sum / Math.Min(i + 1, width);
        }
        return result;
    }
}
