using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>
/// A matrix as a heat map with a diverging colour scale centred at 0 (blue negative, white 0, red
/// positive), row 0 at the top so an upper triangular matrix looks upper triangular.
/// </summary>
public static class HeatmapFigure
{
    /// <param name="clip">
    /// Colour limit ±clip (entries beyond it saturate); null for ±max|entry|. The learned feed-forward
    /// part is often 10× smaller than the unit-modulus diagonal blocks and would be invisible.
    /// </param>
    public static void Save(string path, string title, double[,] matrix, string axisLabel, double? clip = null)
    {
        var plot = Figure.Create(title, $"column j ({axisLabel})", $"row i ({axisLabel})");
        var heatmap = plot.Add.Heatmap(matrix);
        heatmap.Colormap = new ScottPlot.Colormaps.Balance();
        double extent = 0;
        foreach (var x in matrix) extent = Math.Max(extent, Math.Abs(x));
        bool clipped = clip is double c && c > 0 && c < extent;
        double limit = clipped ? clip!.Value : extent == 0 ? 1 : extent;
        heatmap.ManualRange = new ScottPlot.Range(-limit, limit);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = clipped ? $"entry value (colours saturate beyond ±{limit:G2}; max |entry| {extent:G3})" : "entry value";
        bar.LabelStyle.FontSize = 13;
        int n = matrix.GetLength(0), m = matrix.GetLength(1);
        // Cell (i, j) is drawn over x ∈ [j, j+1], y ∈ [n−1−i, n−i]: ticks at cell centres.
        plot.Axes.Bottom.TickGenerator = Ticks(m, j => j + 0.5);
        plot.Axes.Left.TickGenerator = Ticks(n, i => n - i - 0.5);
        plot.Axes.SetLimits(0, m, 0, n);
        Figure.Save(plot, path, Figure.Width + 100, Figure.Width);
    }

    private static ScottPlot.TickGenerators.NumericManual Ticks(int count, Func<int, double> position)
    {
        int stride = Math.Max(1, (int)Math.Ceiling(count / 8.0));
        var indices = Enumerable.Range(0, count).Where(i => i % stride == 0).ToArray();
        return new ScottPlot.TickGenerators.NumericManual(indices.Select(position).ToArray(), indices.Select(i => i.ToString()).ToArray());
    }
}
