namespace NnRnn.Analysis.Fidelity;

/// <summary>
/// Fisher's exact test of a 2×2 table (two-sided): the probability, with the margins fixed, of every
/// table at most as likely as the observed one (hypergeometric, as R's fisher.test and SciPy).
/// </summary>
public static class FisherExact
{
    /// <summary>Rows: (events, non-events) of two samples, e.g. slow starts of ours and of the original.</summary>
    public static double TwoSided(int a, int b, int c, int d)
    {
        if (a < 0 || b < 0 || c < 0 || d < 0) throw new ArgumentException("Fisher's exact test needs non-negative counts");
        int row1 = a + b, col1 = a + c, n = a + b + c + d;
        int lo = Math.Max(0, col1 - (n - row1)), hi = Math.Min(row1, col1);
        double observed = LogProbability(a, row1, col1, n), p = 0;
        for (int x = lo; x <= hi; x++)
        {
            double lp = LogProbability(x, row1, col1, n);
            // relative slack against rounding of tables exactly as likely as the observed one
            if (lp <= observed + 1e-7) p += Math.Exp(lp);
        }
        return Math.Min(1, p);
    }

    /// <summary>log P(X = x) for X hypergeometric: x events among row1 draws from n holding col1 events.</summary>
    private static double LogProbability(int x, int row1, int col1, int n)
        => LogChoose(col1, x) + LogChoose(n - col1, row1 - x) - LogChoose(n, row1);

    private static double LogChoose(int n, int k)
    {
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.Log(n - k + i) - Math.Log(i);
        return s;
    }
}
