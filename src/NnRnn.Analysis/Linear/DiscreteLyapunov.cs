using static TorchSharp.torch;

namespace NnRnn.Analysis.Linear;

/// <summary>
/// The noise covariance of h_{t+1} = A h_t + ξ_t, ξ ~ N(0, I): C = Σ_{k≥0} A^k (A^k)ᵀ, the solution
/// of the discrete Lyapunov equation C = A C Aᵀ + I (Ganguli et al. 2008).
/// </summary>
public static class DiscreteLyapunov
{
    /// <summary>Doubling stops here: 2^20 terms is "infinite" for any spectral radius not within ~1e-5 of 1.</summary>
    public const int MaxDoublingTerms = 1 << 20;

    /// <summary>
    /// Smith's doubling, C_{2K} = C_K + A^K C_K (A^K)ᵀ, until the new terms are negligible. When the
    /// series does not converge (spectral radius ≥ 1, or the doubling overflows) the sum is
    /// truncated at exactly <paramref name="truncateAt"/> terms: the covariance of a network started
    /// from rest that many steps ago.
    /// </summary>
    public static LyapunovSolution Solve(double[,] a, int truncateAt, double tolerance = 1e-14)
    {
        Dense.RequireSquare(a, "Lyapunov equation");
        if (truncateAt < 1) throw new ArgumentException($"Lyapunov equation: the number of terms must be positive (got {truncateAt})");
        using var scope = NewDisposeScope();
        var power = Dense.Tensor(a);
        int n = a.GetLength(0);
        var c = eye(n, dtype: ScalarType.Float64);
        for (int terms = 1; terms < MaxDoublingTerms; terms *= 2)
        {
            var added = power.matmul(c).matmul(power.t());
            c = c + added;
            // Growth past 1e150 means divergence (and norms would overflow to ∞ ≤ ∞·tol).
            double addedNorm = added.norm().item<double>(), total = c.norm().item<double>();
            if (!double.IsFinite(total) || total > 1e150) break;
            if (addedNorm <= tolerance * total) return Finish(c, 2 * terms, converged: true);
            power = power.matmul(power);
        }
        // Not converged: the exact truncated sum Σ_{k<truncateAt}, by C ← A C Aᵀ + I.
        var ta = Dense.Tensor(a);
        c = eye(n, dtype: ScalarType.Float64);
        for (int k = 1; k < truncateAt; k++)
        {
            using var step = NewDisposeScope();
            c = (ta.matmul(c).matmul(ta.t()) + eye(n, dtype: ScalarType.Float64)).MoveToOuterDisposeScope();
        }
        return Finish(c, truncateAt, converged: false);
    }

    private static LyapunovSolution Finish(Tensor c, int terms, bool converged)
    {
        if (!c.isfinite().all().item<bool>())
            throw new ArgumentException("Lyapunov equation: the noise covariance overflows (the matrix is strongly expanding); use a shorter --horizon");
        return new LyapunovSolution(Dense.FromTensor(c), terms, converged);
    }
}

/// <param name="C">Σ_{k&lt;Terms} A^k (A^k)ᵀ.</param>
/// <param name="Terms">How many terms the sum holds (a power of two when converged).</param>
/// <param name="Converged">False when the series diverges and the sum was truncated.</param>
public sealed record LyapunovSolution(double[,] C, int Terms, bool Converged);
