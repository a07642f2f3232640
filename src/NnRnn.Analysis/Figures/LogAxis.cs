using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>ScottPlot draws log axes by plotting log₁₀ of the data with decade ticks labelled 10^k.</summary>
internal static class LogAxis
{
    /// <summary>log₁₀ of the first <paramref name="count"/> values.</summary>
    public static double[] Log10(IEnumerable<double> values, int count)
        => values.Take(count).Select(Math.Log10).ToArray();

    /// <summary>
    /// How many leading values are positive: a curve that reaches exactly 0 (a nilpotent delay line
    /// after N steps) has no log, so it is drawn up to there instead of being clamped to a fake floor.
    /// </summary>
    public static int PositivePrefix(IReadOnlyList<double> values)
    {
        int k = 0;
        while (k < values.Count && values[k] > 0 && double.IsFinite(values[k])) k++;
        return k;
    }

    public static void ApplyLeft(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
