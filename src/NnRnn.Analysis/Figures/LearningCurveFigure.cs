using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>One learning curve: a model's mean over seeds and its standard error at each point.</summary>
public sealed record LearningCurve(string Label, double[] X, double[] Mean, double[] Se);

/// <summary>
/// Learning curves as the seed's README figures show them: one line per model with a shaded
/// ± standard-error band, and an optional horizontal baseline drawn dashed (the copy task's memoryless baseline).
/// </summary>
public static class LearningCurveFigure
{
    public static void Save(string path, string title, string xLabel, string yLabel, IReadOnlyList<LearningCurve> curves,
        (string Label, double Value)? baseline = null)
    {
        var plot = Figure.Create(title, xLabel, yLabel);
        for (int s = 0; s < curves.Count; s++)
        {
            var c = curves[s];
            var color = Figure.SeriesColor(s);
            if (c.Se.Any(e => e > 0))
            {
                var band = plot.Add.FillY(c.X, c.Mean.Zip(c.Se, (m, e) => m - e).ToArray(), c.Mean.Zip(c.Se, (m, e) => m + e).ToArray());
                band.FillColor = color.WithAlpha(0.25);
                band.LineColor = Colors.Transparent;
            }
            var line = c.X.Length == 1 ? plot.Add.Scatter(c.X, c.Mean) : plot.Add.ScatterLine(c.X, c.Mean);
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = c.X.Length <= 50 ? 5 : 0;   // epochs are few: mark them
            line.LegendText = c.Label;
        }
        if (baseline is { } b)
        {
            var h = plot.Add.HorizontalLine(b.Value);
            h.Color = Colors.Black;
            h.LinePattern = LinePattern.Dashed;
            h.LineWidth = 1.5f;
            h.LegendText = b.Label;
        }
        // A few exploding updates (the vanilla RNN's loss reaches 10⁴ on the copy task) would squash every
        // other curve to a line at 0: the vertical axis covers the 99th percentile of the finite means, and
        // the baseline, with the rare points above it cut off (the seed's figures are cropped likewise).
        var values = curves.SelectMany(c => c.Mean).Where(double.IsFinite).OrderBy(v => v).ToArray();
        if (values.Length >= 100)
        {
            double low = Math.Min(values[0], baseline?.Value ?? values[0]);
            double high = Math.Max(values[(int)(0.99 * (values.Length - 1))], baseline?.Value ?? double.MinValue);
            if (values[^1] > high * 1.5 && high > low)
                plot.Axes.SetLimitsY(Math.Min(0, low), high + 0.08 * (high - Math.Min(0, low)));
        }
        // out of the curves' way: top right for falling curves (losses), bottom right for rising ones (accuracies)
        bool rising = curves.Count > 0 && curves[0].Mean.Length > 1 && curves[0].Mean[^1] > curves[0].Mean[0];
        plot.ShowLegend(rising ? Alignment.LowerRight : Alignment.UpperRight);
        Figure.Save(plot, path);
    }
}
