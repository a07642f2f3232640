using System.Globalization;

namespace NnRnn.Analysis.Fidelity;

/// <summary>
/// FIDELITY.md's paired rows: the seeds both implementations ran, which with <c>--init original</c>
/// start from the same parameters; per seed ours − original, its median and Wilcoxon's signed-rank p.
/// </summary>
public static class PairedBySeed
{
    /// <summary>The table's header (markdown).</summary>
    public const string Header = "| model | value | pairs | median of ours − original (min–max) | W⁺ | p (two-sided) |\n|---|---|---|---|---|---|";

    /// <summary>One row; "–" where fewer than two seeds are paired or a value is not finite (an exploded run).</summary>
    public static string Row(string model, string label, IReadOnlyDictionary<int, double> ours, IReadOnlyDictionary<int, double> original)
    {
        var differences = ours.Keys.Intersect(original.Keys).Order()
                              .Select(seed => ours[seed] - original[seed]).ToArray();
        if (differences.Length < 2 || differences.Any(d => !double.IsFinite(d)))
            return $"| {model} | {label} | {differences.Length} | – | – | – |";
        var (w, _, p) = WilcoxonSignedRank.Test(differences);
        return $"| {model} | {label} | {differences.Length} | {F(LearningCurves.Median(differences))} ({F(differences.Min())}–{F(differences.Max())}) | "
             + $"{w:0.#} | {p:0.###}{(p < 0.05 ? " **differ**" : "")} |";
    }

    private static string F(double x)
    {
        if (Math.Abs(x) >= 1e4) return x.ToString("0.0e0", CultureInfo.InvariantCulture);
        // rounded first, so a difference that rounds to zero prints as 0 (no sign)
        double r = Math.Round(x, Math.Abs(x) >= 10 ? 2 : 4);
        return r == 0 ? "0" : r.ToString(Math.Abs(r) >= 10 ? "+0.00;-0.00" : "+0.0000;-0.0000", CultureInfo.InvariantCulture);
    }
}
