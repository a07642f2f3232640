using System.Numerics;

namespace NnRnn.Analysis.Linear;

/// <summary>
/// The real Schur form W = Q S Qᵀ: Q orthogonal, S quasi upper triangular with 1×1 blocks (real
/// eigenvalues) and standardised 2×2 blocks [[a, b], [c, a]], bc &lt; 0 (a ± i√(−bc)). Hessenberg
/// reduction, then Francis double-shift QR with deflation (Golub &amp; Van Loan §7.5), all in double
/// precision: for strongly non-normal W the Schur vectors are ill-conditioned (paper's
/// supplement, section C), so check <see cref="SchurForm.ReconstructionError"/>.
/// </summary>
public static class RealSchur
{
    private const double Eps = 2.220446049250313e-16;

    public static SchurForm Decompose(double[,] w)
    {
        Dense.RequireSquare(w, "Schur decomposition");
        foreach (var x in w)
            if (!double.IsFinite(x)) throw new ArgumentException("Schur decomposition: the matrix has NaN or infinite entries");
        var (h, q) = Hessenberg.Reduce(w);
        int n = h.GetLength(0);
        var blockStarts = new List<int>();
        int hi = n - 1, iterations = 0, budget = 40 * n;
        while (hi >= 0)
        {
            int lo = ActiveStart(h, hi);
            if (lo == hi)
            {
                blockStarts.Add(hi);
                hi -= 1;
                iterations = 0;
            }
            else if (lo == hi - 1)
            {
                if (Standardize(h, q, hi - 1)) blockStarts.Add(hi - 1);
                else { blockStarts.Add(hi); blockStarts.Add(hi - 1); }
                hi -= 2;
                iterations = 0;
            }
            else
            {
                if (--budget < 0) throw new InvalidOperationException("Schur decomposition: QR iteration did not converge");
                iterations++;
                FrancisStep(h, q, lo, hi, exceptional: iterations % 11 == 10);
            }
        }
        blockStarts.Reverse();
        return new SchurForm(w, q, h, blockStarts.ToArray());
    }

    /// <summary>The first row of the unreduced window ending at <paramref name="hi"/>; negligible sub-diagonals are zeroed.</summary>
    private static int ActiveStart(double[,] h, int hi)
    {
        for (int l = hi; l > 0; l--)
        {
            double scale = Math.Abs(h[l - 1, l - 1]) + Math.Abs(h[l, l]);
            if (scale == 0) scale = Dense.Frobenius(h);
            if (Math.Abs(h[l, l - 1]) <= Eps * scale)
            {
                h[l, l - 1] = 0;
                return l;
            }
        }
        return 0;
    }

    /// <summary>
    /// One implicit double-shift step on rows/columns lo..hi: the shifts are the eigenvalues of the
    /// trailing 2×2 block (or an exceptional pair to break cycles); the bulge is chased down by
    /// 3×3 reflectors.
    /// </summary>
    private static void FrancisStep(double[,] h, double[,] q, int lo, int hi, bool exceptional)
    {
        int n = h.GetLength(0);
        double s, t;
        if (exceptional)
        {
            double w = Math.Abs(h[hi, hi - 1]) + Math.Abs(h[hi - 1, hi - 2]);
            s = 1.5 * w;
            t = w * w;
        }
        else
        {
            s = h[hi - 1, hi - 1] + h[hi, hi];
            t = h[hi - 1, hi - 1] * h[hi, hi] - h[hi - 1, hi] * h[hi, hi - 1];
        }
        // First column of (H − σ₁)(H − σ₂) restricted to the window.
        double x = h[lo, lo] * h[lo, lo] + h[lo, lo + 1] * h[lo + 1, lo] - s * h[lo, lo] + t;
        double y = h[lo + 1, lo] * (h[lo, lo] + h[lo + 1, lo + 1] - s);
        double z = h[lo + 1, lo] * h[lo + 2, lo + 1];
        var bulge = new double[3];
        for (int k = lo - 1; k <= hi - 3; k++)
        {
            (bulge[0], bulge[1], bulge[2]) = (x, y, z);
            var v = Reflector.For(bulge);
            if (v is not null)
            {
                Reflector.FromLeft(h, v, k + 1, Math.Max(lo, k), n - 1);
                Reflector.FromRight(h, v, k + 1, 0, Math.Min(k + 4, hi));
                Reflector.FromRight(q, v, k + 1, 0, n - 1);
            }
            x = h[k + 2, k + 1];
            y = h[k + 3, k + 1];
            if (k < hi - 3) z = h[k + 4, k + 1];
        }
        var last = Reflector.For(new[] { x, y });
        if (last is not null)
        {
            Reflector.FromLeft(h, last, hi - 1, hi - 2, n - 1);
            Reflector.FromRight(h, last, hi - 1, 0, hi);
            Reflector.FromRight(q, last, hi - 1, 0, n - 1);
        }
        for (int i = lo + 2; i <= hi; i++)
            for (int j = lo; j < i - 1; j++) h[i, j] = 0;   // bulge entries are zero up to rounding
    }

    /// <summary>
    /// Rotates the 2×2 block at p: real eigenvalues → upper triangular (returns false: two 1×1
    /// blocks); complex ones → equal diagonal entries (returns true: one 2×2 block).
    /// </summary>
    private static bool Standardize(double[,] h, double[,] q, int p)
    {
        double a = h[p, p], b = h[p, p + 1], c = h[p + 1, p], d = h[p + 1, p + 1];
        double half = 0.5 * (a - d), disc = half * half + b * c;
        double cos, sin;
        bool complex = disc < 0;
        if (!complex)
        {
            // First column of the rotation = an eigenvector of the block (the better-conditioned formula).
            double lambda = 0.5 * (a + d) + (half >= 0 ? 1 : -1) * Math.Sqrt(disc);
            double v0 = b, v1 = lambda - a, u0 = lambda - d, u1 = c;
            if (u0 * u0 + u1 * u1 > v0 * v0 + v1 * v1) (v0, v1) = (u0, u1);
            double norm = Math.Sqrt(v0 * v0 + v1 * v1);
            if (norm == 0) return false;   // already triangular (c = 0)
            (cos, sin) = (v0 / norm, v1 / norm);
        }
        else
        {
            // Gᵀ M G has equal diagonal when (a − d) cos 2φ + (b + c) sin 2φ = 0.
            double phi = 0.5 * Math.Atan2(d - a, b + c);
            (cos, sin) = (Math.Cos(phi), Math.Sin(phi));
        }
        Reflector.Rotate(h, q, p, cos, sin, p, p + 1);
        if (!complex) h[p + 1, p] = 0;
        else
        {
            double mean = 0.5 * (h[p, p] + h[p + 1, p + 1]);
            h[p, p] = h[p + 1, p + 1] = mean;
        }
        return complex;
    }

    /// <summary>Eigenvalues read off a quasi-triangular S with the given block starts.</summary>
    public static Complex[] Eigenvalues(double[,] s, int[] blockStarts)
    {
        var result = new List<Complex>();
        int n = s.GetLength(0);
        for (int b = 0; b < blockStarts.Length; b++)
        {
            int p = blockStarts[b];
            int size = (b + 1 < blockStarts.Length ? blockStarts[b + 1] : n) - p;
            if (size == 1) result.Add(new Complex(s[p, p], 0));
            else
            {
                double im = Math.Sqrt(Math.Max(0, -s[p, p + 1] * s[p + 1, p]));
                result.Add(new Complex(s[p, p], im));
                result.Add(new Complex(s[p, p], -im));
            }
        }
        return result.ToArray();
    }
}
