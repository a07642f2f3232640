using System.Numerics;
using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>Eigenvalues in the complex plane with the unit circle (the paper's Fig. 3/5 insets).</summary>
public static class EigenvalueFigure
{
    public static void Save(string path, string title, IReadOnlyList<(string Label, Complex[] Eigenvalues)> series)
        => Figure.Save(Build(title, series), path, Figure.Height + 100, Figure.Height);

    public static Plot Build(string title, IReadOnlyList<(string Label, Complex[] Eigenvalues)> series)
    {
        var plot = Figure.Create(title, "Re λ", "Im λ");
        var circle = plot.Add.Circle(0, 0, 1);
        circle.LineColor = Colors.Gray;
        circle.LinePattern = LinePattern.Dashed;
        circle.FillColor = Colors.Transparent;
        circle.LegendText = "unit circle |λ| = 1";
        var markers = new[] { MarkerShape.FilledCircle, MarkerShape.OpenCircle, MarkerShape.FilledSquare, MarkerShape.OpenTriangleUp };
        for (int s = 0; s < series.Count; s++)
        {
            var (label, eig) = series[s];
            var points = plot.Add.ScatterPoints(eig.Select(l => l.Real).ToArray(), eig.Select(l => l.Imaginary).ToArray());
            points.Color = Figure.SeriesColor(s).WithAlpha(0.8);
            points.MarkerShape = markers[s % markers.Length];
            points.MarkerSize = 7;
            points.LegendText = label;
        }
        double r = Math.Max(1.15, series.SelectMany(s => s.Eigenvalues).Select(l => l.Magnitude).DefaultIfEmpty(1).Max() * 1.1);
        plot.Axes.SetLimits(-r, r, -r, r);
        plot.Axes.SquareUnits();
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
