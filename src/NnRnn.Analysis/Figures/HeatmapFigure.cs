using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>
/// A matrix as a heat map with a diverging colour scale centred at 0 (blue negative, white 0, red
/// positive), row 0 at the top so an upper triangular matrix looks upper triangular.
/// </summary>
public static class HeatmapFigure
{
    public static void Save(string path, string title, double[,] matrix, string axisLabel)
    {
        var plot = Figure.Create(title, $"column j ({axisLabel})", $"row i ({axisLabel})");
        var heatmap = plot.Add.Heatmap(matrix);
        heatmap.Colormap = new ScottPlot.Colormaps.Balance();
        double extent = 0;
        foreach (var x in matrix) extent = Math.Max(extent, Math.Abs(x));
        if (extent == 0) extent = 1;
        heatmap.ManualRange = new ScottPlot.Range(-extent, extent);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "entry value";
        bar.LabelStyle.FontSize = 14;
        int n = matrix.GetLength(0);
        // The heat map's cell (i, j) covers x ∈ [j, j+1], y ∈ [n−1−i, n−i]: label rows top-down.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = y => (n - 1 - y).ToString("0"),
        };
        plot.Axes.SquareUnits();
        Figure.Save(plot, path, Figure.Width + 100, Figure.Height + 100);
    }
}
