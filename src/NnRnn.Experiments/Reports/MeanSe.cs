using System.Globalization;

namespace NnRnn.Experiments.Reports;

/// <summary>
/// Mean and standard error of the mean over replicates (seeds): SE = s / √n with the sample
/// standard deviation s (n − 1 in the denominator), as the seed's "mean ± SE" tables.
/// SE is NaN for a single replicate (no spread to estimate).
/// </summary>
public readonly record struct MeanSe(double Mean, double Se, int N)
{
    public static MeanSe Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        double mean = values.Average();
        if (values.Count == 1) return new MeanSe(mean, double.NaN, 1);
        double ss = values.Sum(v => (v - mean) * (v - mean));
        return new MeanSe(mean, Math.Sqrt(ss / (values.Count - 1)) / Math.Sqrt(values.Count), values.Count);
    }

    /// <summary>"1.402 ± 0.0031 (n=3)": the mean to <paramref name="decimals"/> places, SE to two significant digits.</summary>
    public string Format(int decimals)
    {
        var mean = Mean.ToString("F" + decimals, CultureInfo.InvariantCulture);
        var se = double.IsNaN(Se) ? "–" : FormatSe(Se);
        return $"{mean} ± {se} (n={N})";
    }

    /// <summary>Two significant digits, never in exponent form.</summary>
    public static string FormatSe(double se)
    {
        if (se == 0 || double.IsNaN(se) || double.IsInfinity(se)) return se.ToString(CultureInfo.InvariantCulture);
        int decimals = Math.Max(0, 1 - (int)Math.Floor(Math.Log10(Math.Abs(se))));
        return Math.Round(se, Math.Min(decimals, 15)).ToString("F" + decimals, CultureInfo.InvariantCulture);
    }
}
