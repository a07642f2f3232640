using NnRnn.Analysis.Dynamics;
using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>
/// Transient norms on a log axis (the paper's Fig. 1b): per matrix, the ensemble mean of ‖h_t‖ with
/// its 10–90 % band, and the mean across-unit standard deviation (dashed); a curve that reaches 0 ends there.
/// </summary>
public static class TransientFigure
{
    public static void Save(string path, string title, IReadOnlyList<(string Label, TransientEnsemble Ensemble)> series)
    {
        var plot = Figure.Create(title, "time step t", "‖h_t‖ and across-unit std (log scale)");
        for (int s = 0; s < series.Count; s++)
        {
            var (label, e) = series[s];
            var t = Enumerable.Range(0, e.Norm.Mean.Length).Select(i => (double)i).ToArray();
            var color = Figure.SeriesColor(s);
            int band10 = LogAxis.PositivePrefix(e.Norm.Q10), norms = LogAxis.PositivePrefix(e.Norm.Mean);
            int spreads = LogAxis.PositivePrefix(e.UnitSpread.Mean);
            var band = plot.Add.FillY(t[..band10], LogAxis.Log10(e.Norm.Q10, band10), LogAxis.Log10(e.Norm.Q90, band10));
            band.FillColor = color.WithAlpha(0.2);
            band.LineColor = Colors.Transparent;
            band.LegendText = $"{label}: ‖h_t‖ 10–90 %";
            var mean = plot.Add.ScatterLine(t[..norms], LogAxis.Log10(e.Norm.Mean, norms));
            mean.Color = color;
            mean.LineWidth = 2;
            mean.LegendText = $"{label}: mean ‖h_t‖";
            var spread = plot.Add.ScatterLine(t[..spreads], LogAxis.Log10(e.UnitSpread.Mean, spreads));
            spread.Color = color;
            spread.LinePattern = LinePattern.Dashed;
            spread.LegendText = $"{label}: mean across-unit std";
        }
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(0, series.Max(x => x.Ensemble.Norm.Mean.Length - 1));   // the whole simulated span
        LogAxis.ApplyLeft(plot);
        plot.ShowLegend(Alignment.LowerRight);
        Figure.Save(plot, path);
    }
}
