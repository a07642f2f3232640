namespace NnRnn.Analysis.Linear;

/// <summary>Matrices with known structure used in the paper's §3 and in the tests.</summary>
public static class SyntheticMatrices
{
    /// <summary>
    /// The paper's synthetic family (column convention h_{t+1} = W h_t): <paramref name="diag"/> on the
    /// diagonal, <paramref name="delay"/> (α) on the first sub-diagonal and <paramref name="lower"/> (β)
    /// on every entry below it. α = 1, β = d = 0 is the delay line 1 → 2 → … → N.
    /// </summary>
    public static double[,] DelayLine(int n, double diag, double delay, double lower)
    {
        if (n < 1) throw new ArgumentException($"--N: the number of units must be positive (got {n})");
        var w = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                w[i, j] = i == j ? diag : i == j + 1 ? delay : lower;
        return w;
    }
}
