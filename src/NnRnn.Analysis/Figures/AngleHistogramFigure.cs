using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>Histograms of the 2×2 blocks' rotation angles θ ∈ [0, π], as fractions (overlaid as step lines).</summary>
public static class AngleHistogramFigure
{
    public const int Bins = 24;

    public static void Save(string path, string title, IReadOnlyList<(string Label, double[] Angles)> series)
        => Figure.Save(Build(title, series), path);

    public static Plot Build(string title, IReadOnlyList<(string Label, double[] Angles)> series)
    {
        var plot = Figure.Create(title, "rotation angle θ (rad)", "fraction of blocks");
        double width = Math.PI / Bins;
        for (int s = 0; s < series.Count; s++)
        {
            var (label, angles) = series[s];
            var fraction = Fractions(angles);
            // Step outline: x at bin edges, the last value repeated to close the final bin.
            var xs = Enumerable.Range(0, Bins + 1).Select(b => b * width).ToArray();
            var ys = fraction.Append(fraction[^1]).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            line.Color = Figure.SeriesColor(s);
            if (s > 0) line.LinePattern = LinePattern.Dashed;   // overlapping outlines stay visible
            line.LegendText = $"{label} ({angles.Length} blocks)";
        }
        plot.Axes.SetLimitsX(0, Math.PI);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            new[] { 0, Math.PI / 4, Math.PI / 2, 3 * Math.PI / 4, Math.PI }, new[] { "0", "π/4", "π/2", "3π/4", "π" });
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>The fraction of angles in each of <see cref="Bins"/> equal bins over [0, π].</summary>
    public static double[] Fractions(double[] angles)
    {
        var counts = new double[Bins];
        foreach (var a in angles) counts[Math.Clamp((int)(a / Math.PI * Bins), 0, Bins - 1)]++;
        return angles.Length == 0 ? counts : counts.Select(c => c / angles.Length).ToArray();
    }
}
