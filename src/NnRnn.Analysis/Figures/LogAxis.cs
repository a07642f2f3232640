using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>ScottPlot draws log axes by plotting log₁₀ of the data with decade ticks labelled 10^k.</summary>
internal static class LogAxis
{
    public static double[] Log10(IEnumerable<double> values, double floor)
        => values.Select(v => Math.Log10(Math.Max(v, floor))).ToArray();

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
