namespace NnRnn.Analysis.Linear;

/// <summary>
/// Householder reflector P = I − 2vvᵀ/(vᵀv) and Givens rotations acting on a few consecutive
/// rows/columns of a matrix in place (the building blocks of the Hessenberg and QR steps).
/// </summary>
internal static class Reflector
{
    /// <summary>v such that P x = ∓‖x‖ e₁; null when x is already a multiple of e₁.</summary>
    public static double[]? For(ReadOnlySpan<double> x)
    {
        double tail = 0;   // summed directly: ‖x‖² − x₀² would cancel to 0 for a tiny tail
        for (int i = 1; i < x.Length; i++) tail += x[i] * x[i];
        if (tail == 0) return null;
        double norm = Math.Sqrt(x[0] * x[0] + tail);
        var v = x.ToArray();
        v[0] += x[0] >= 0 ? norm : -norm;   // the sign that avoids cancellation
        return v;
    }

    /// <summary>Rows r0..r0+len−1, columns c0..c1 (inclusive): A ← P A.</summary>
    public static void FromLeft(double[,] a, double[] v, int r0, int c0, int c1)
    {
        double vtv = 0;
        foreach (var vi in v) vtv += vi * vi;
        for (int j = c0; j <= c1; j++)
        {
            double dot = 0;
            for (int i = 0; i < v.Length; i++) dot += v[i] * a[r0 + i, j];
            dot *= 2 / vtv;
            for (int i = 0; i < v.Length; i++) a[r0 + i, j] -= dot * v[i];
        }
    }

    /// <summary>Rows r0..r1 (inclusive), columns c0..c0+len−1: A ← A P.</summary>
    public static void FromRight(double[,] a, double[] v, int c0, int r0, int r1)
    {
        double vtv = 0;
        foreach (var vi in v) vtv += vi * vi;
        for (int i = r0; i <= r1; i++)
        {
            double dot = 0;
            for (int k = 0; k < v.Length; k++) dot += a[i, c0 + k] * v[k];
            dot *= 2 / vtv;
            for (int k = 0; k < v.Length; k++) a[i, c0 + k] -= dot * v[k];
        }
    }

    /// <summary>
    /// Givens rotation G = [[c, −s], [s, c]] on indices (p, p+1): rows ← Gᵀ rows over columns
    /// c0..n−1, columns ← columns G over rows 0..r1, and Q ← Q G.
    /// </summary>
    public static void Rotate(double[,] h, double[,] q, int p, double c, double s, int c0, int r1)
    {
        int n = h.GetLength(0);
        for (int j = c0; j < n; j++)
        {
            double x = h[p, j], y = h[p + 1, j];
            h[p, j] = c * x + s * y;
            h[p + 1, j] = -s * x + c * y;
        }
        for (int i = 0; i <= r1; i++)
        {
            double x = h[i, p], y = h[i, p + 1];
            h[i, p] = c * x + s * y;
            h[i, p + 1] = -s * x + c * y;
        }
        for (int i = 0; i < n; i++)
        {
            double x = q[i, p], y = q[i, p + 1];
            q[i, p] = c * x + s * y;
            q[i, p + 1] = -s * x + c * y;
        }
    }
}
