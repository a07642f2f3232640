namespace NnRnn.Analysis.Fidelity;

/// <summary>
/// Wilcoxon's signed-rank test of whether paired differences are centred on zero (two-sided), for
/// runs paired by seed: with <c>--init original</c> a seed starts ours and the original from the
/// same parameters, so a per-seed difference removes the seed's luck that an unpaired test carries.
/// Zero differences are dropped (Wilcoxon's convention); ties get mid-ranks. The null distribution is
/// exact (counted over the 2ⁿ sign patterns of the actual ranks, ties included) up to 40 pairs, the
/// normal approximation with the tie correction beyond.
/// </summary>
public static class WilcoxonSignedRank
{
    /// <summary>W⁺ (the rank sum of the positive differences), the pairs used (non-zero) and the two-sided p.</summary>
    public static (double WPlus, int Pairs, double P) Test(IReadOnlyList<double> differences)
    {
        if (differences.Any(d => !double.IsFinite(d))) throw new ArgumentException("Wilcoxon: every difference must be finite");
        var nonZero = differences.Where(d => d != 0).OrderBy(Math.Abs).ToArray();
        int n = nonZero.Length;
        if (n == 0) return (0, 0, 1);
        // doubled mid-ranks are integers, so the exact distribution can be counted over integers
        var doubledRanks = new int[n];
        double tieTerm = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && Math.Abs(nonZero[j + 1]) == Math.Abs(nonZero[i])) j++;
            int t = j - i + 1;
            tieTerm += (double)t * t * t - t;
            for (int k = i; k <= j; k++) doubledRanks[k] = i + j + 2;   // 2 × mid-rank ((i+1)+(j+1))/2
            i = j + 1;
        }
        int doubledWPlus = Enumerable.Range(0, n).Where(k => nonZero[k] > 0).Sum(k => doubledRanks[k]);
        int total = doubledRanks.Sum();
        double p = n <= 40 ? ExactTwoSided(doubledRanks, doubledWPlus, total) : NormalTwoSided(doubledWPlus / 2.0, n, tieTerm);
        return (doubledWPlus / 2.0, n, Math.Min(1, p));
    }

    /// <summary>2·P(W ≤ min(w, total − w)) over the equally likely sign patterns, by counting subset sums of the ranks.</summary>
    private static double ExactTwoSided(int[] doubledRanks, int doubledW, int total)
    {
        var counts = new double[total + 1];
        counts[0] = 1;
        int reach = 0;
        foreach (var r in doubledRanks)
        {
            for (int s = reach; s >= 0; s--) if (counts[s] != 0) counts[s + r] += counts[s];
            reach += r;
        }
        int low = Math.Min(doubledW, total - doubledW);
        double below = 0;
        for (int s = 0; s <= low; s++) below += counts[s];
        return 2 * below / Math.Pow(2, doubledRanks.Length);
    }

    private static double NormalTwoSided(double wPlus, int n, double tieTerm)
    {
        double mean = n * (n + 1) / 4.0;
        double variance = n * (n + 1) * (2 * n + 1) / 24.0 - tieTerm / 48.0;
        if (variance <= 0) return 1;
        double z = (Math.Abs(wPlus - mean) - 0.5) / Math.Sqrt(variance);
        return 2 * (1 - MannWhitney.NormalCdf(Math.Max(0, z)));
    }
}
