namespace NnRnn.Analysis.Fidelity;

/// <summary>
/// The Mann–Whitney U test of whether two samples come from the same distribution (two-sided).
/// Exact null distribution when there are no ties and the samples are small; otherwise the normal
/// approximation with the tie correction (continuity-corrected).
/// </summary>
public static class MannWhitney
{
    /// <summary>U of the first sample (pairs where it is larger, ties count ½), the smaller U, and the two-sided p.</summary>
    public static (double U, double UMin, double P) Test(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        int n1 = a.Count, n2 = b.Count;
        if (n1 == 0 || n2 == 0) throw new ArgumentException("Mann–Whitney needs two non-empty samples");
        var all = a.Select(x => (x, 0)).Concat(b.Select(x => (x, 1))).OrderBy(p => p.x).ToArray();
        var ranks = new double[all.Length];
        bool ties = false;
        double tieTerm = 0;
        for (int i = 0; i < all.Length;)
        {
            int j = i;
            while (j + 1 < all.Length && all[j + 1].x == all[i].x) j++;
            int t = j - i + 1;
            if (t > 1) { ties = true; tieTerm += (double)t * t * t - t; }
            for (int k = i; k <= j; k++) ranks[k] = (i + j) / 2.0 + 1;   // mid-ranks
            i = j + 1;
        }
        double r1 = Enumerable.Range(0, all.Length).Where(k => all[k].Item2 == 0).Sum(k => ranks[k]);
        double u = r1 - n1 * (n1 + 1) / 2.0;
        double uMin = Math.Min(u, (double)n1 * n2 - u);
        double p = !ties && n1 <= 20 && n2 <= 20 ? ExactTwoSided((int)uMin, n1, n2) : NormalTwoSided(uMin, n1, n2, tieTerm);
        return (u, uMin, Math.Min(1, p));
    }

    /// <summary>2·P(U ≤ u) under the null, from the count of rank arrangements (Mann &amp; Whitney's recursion).</summary>
    public static double ExactTwoSided(int u, int n1, int n2)
    {
        // count[m, n, k]: arrangements of m and n items with U = k; built up one item at a time:
        // c(m, n, k) = c(m − 1, n, k − n) + c(m, n − 1, k)
        int max = n1 * n2;
        var prev = new double[n2 + 1][];
        for (int n = 0; n <= n2; n++) { prev[n] = new double[max + 1]; prev[n][0] = 1; }   // m = 0
        for (int m = 1; m <= n1; m++)
        {
            var cur = new double[n2 + 1][];
            cur[0] = new double[max + 1]; cur[0][0] = 1;
            for (int n = 1; n <= n2; n++)
            {
                cur[n] = new double[max + 1];
                for (int k = 0; k <= m * n; k++)
                    cur[n][k] = (k - n >= 0 ? prev[n][k - n] : 0) + cur[n - 1][k];
            }
            prev = cur;
        }
        var counts = prev[n2];
        double total = counts.Sum(), below = 0;
        for (int k = 0; k <= u; k++) below += counts[k];
        return 2 * below / total;
    }

    private static double NormalTwoSided(double uMin, int n1, int n2, double tieTerm)
    {
        double n = n1 + n2, mean = n1 * n2 / 2.0;
        double variance = n1 * n2 / 12.0 * (n + 1 - tieTerm / (n * (n - 1)));
        if (variance <= 0) return 1;
        double z = (mean - uMin - 0.5) / Math.Sqrt(variance);
        return 2 * (1 - NormalCdf(Math.Max(0, z)));
    }

    /// <summary>Φ(z) by the complementary error function (Abramowitz &amp; Stegun 7.1.26, |ε| &lt; 1.5e-7).</summary>
    public static double NormalCdf(double z)
    {
        double x = Math.Abs(z) / Math.Sqrt(2), t = 1 / (1 + 0.3275911 * x);
        double erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.Exp(-x * x);
        return z >= 0 ? 1 - erfc / 2 : erfc / 2;
    }
}
