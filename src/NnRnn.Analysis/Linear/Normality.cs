using System.Numerics;

namespace NnRnn.Analysis.Linear;

/// <summary>Measures of non-normality (the paper's §3: normal ⇔ the Schur form is diagonal).</summary>
public static class Normality
{
    /// <summary>
    /// Henrici's departure from normality, (‖W‖_F² − Σ|λ_i|²)^{1/2}: the Frobenius norm of the
    /// strictly upper part of the complex Schur form; 0 exactly when W is normal.
    /// </summary>
    public static double Henrici(double[,] w, IReadOnlyList<Complex> eigenvalues)
    {
        double f = Dense.Frobenius(w);
        double spectral = eigenvalues.Sum(l => l.Magnitude * l.Magnitude);
        // Rounding can make the difference slightly negative for a normal matrix.
        return Math.Sqrt(Math.Max(0, f * f - spectral));
    }

    /// <summary>
    /// Henrici's departure read off a real Schur form: ‖block-strictly-upper S‖_F² plus (b + c)² for
    /// each standard 2×2 block [[a, b], [c, a]] (its own departure). Same quantity as
    /// <see cref="Henrici"/> without the cancellation of ‖W‖_F² − Σ|λ|² (an orthogonal W gives ~1e-15,
    /// not ~1e-7).
    /// </summary>
    public static double Henrici(SchurForm schur)
    {
        var s = schur.S;
        double sum = Math.Pow(TriangularShare(s, schur.BlockStarts) * Dense.Frobenius(s), 2);
        foreach (var p in schur.BlockStarts)
            if (p + 1 < s.GetLength(0) && s[p + 1, p] != 0) sum += Math.Pow(s[p, p + 1] + s[p + 1, p], 2);
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// ‖strictly block-upper part of S‖_F / ‖S‖_F: the share of the quasi-triangular Schur factor
    /// that lies above its 1×1 / 2×2 diagonal blocks (the feed-forward part of the paper's T).
    /// </summary>
    public static double TriangularShare(double[,] s, int[] blockStarts)
    {
        int n = s.GetLength(0);
        var blockEnd = new int[n];   // last row of the block holding each index
        for (int b = 0; b < blockStarts.Length; b++)
        {
            int end = (b + 1 < blockStarts.Length ? blockStarts[b + 1] : n) - 1;
            for (int i = blockStarts[b]; i <= end; i++) blockEnd[i] = end;
        }
        double upper = 0, total = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double x2 = s[i, j] * s[i, j];
                total += x2;
                if (j > blockEnd[i]) upper += x2;
            }
        return total == 0 ? 0 : Math.Sqrt(upper / total);
    }

    /// <summary>Block starts of a matrix made of 2×2 blocks (nnRNN's Λ + T).</summary>
    public static int[] PairBlocks(int n) => Enumerable.Range(0, n / 2).Select(k => 2 * k).ToArray();
}
