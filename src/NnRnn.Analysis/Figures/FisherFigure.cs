using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>Fisher memory curves J(t) of several matrices on one plot, J_tot in the legend.</summary>
public static class FisherFigure
{
    public static void Save(string path, string title, IReadOnlyList<(string Label, double[] J)> series, bool logScale)
    {
        var plot = Figure.Create(title, "delay t (time steps)", logScale ? "Fisher memory J(t) (log scale)" : "Fisher memory J(t)");
        for (int s = 0; s < series.Count; s++)
        {
            var (label, j) = series[s];
            int count = logScale ? LogAxis.PositivePrefix(j) : j.Length;
            var t = Enumerable.Range(0, count).Select(i => (double)i).ToArray();
            var line = plot.Add.ScatterLine(t, logScale ? LogAxis.Log10(j, count) : j);
            line.Color = Figure.SeriesColor(s);
            line.LineWidth = 2;
            line.LegendText = $"{label}: J_tot = {j.Sum():F3}";
        }
        if (logScale) LogAxis.ApplyLeft(plot);
        plot.ShowLegend(Alignment.UpperRight);
        Figure.Save(plot, path);
    }
}
