using NnRnn.Analysis.Linear;
using static TorchSharp.torch;

namespace NnRnn.Analysis.Memory;

/// <summary>
/// The Fisher memory curve of a linear network h_{t+1} = A h_t + u s_t + ξ_t with isotropic unit
/// noise (Ganguli, Huh &amp; Sompolinsky 2008; the paper's §3): J(t) = e_tᵀ C⁻¹ e_t, e_t = A^t u,
/// C = Σ_k A^k (A^k)ᵀ. J(t) is how much the state at time t tells about the input t steps back.
/// </summary>
public static class FisherMemory
{
    /// <param name="a">The propagator A (column convention).</param>
    /// <param name="input">The input direction u (normalised to unit length); null for the first unit vector.</param>
    /// <param name="horizon">How many delays t = 0 … horizon−1 to evaluate (also the truncation of C when its series does not converge).</param>
    public static FisherCurve Compute(double[,] a, double[]? input, int horizon)
    {
        Dense.RequireSquare(a, "Fisher memory");
        if (horizon < 1) throw new ArgumentException($"--horizon: must be positive (got {horizon})");
        int n = a.GetLength(0);
        var u = input ?? Enumerable.Range(0, n).Select(i => i == 0 ? 1.0 : 0.0).ToArray();
        if (u.Length != n) throw new ArgumentException($"--input: expected {n} entries, got {u.Length}");
        double norm = Math.Sqrt(u.Sum(x => x * x));
        if (norm == 0) throw new ArgumentException("--input: the input direction must be non-zero");

        var lyapunov = DiscreteLyapunov.Solve(a, horizon);
        using var scope = NewDisposeScope();
        var ta = Dense.Tensor(a);
        // E = [e_0 … e_{H−1}] (N × H): e_{t+1} = A e_t.
        var columns = new List<Tensor> { tensor(u, dtype: ScalarType.Float64) / norm };
        for (int t = 1; t < horizon; t++) columns.Add(ta.matmul(columns[^1]));
        var e = stack(columns, 1);
        var c = Dense.Tensor(lyapunov.C);
        var solved = linalg.solve(c, e);
        var j = (e * solved).sum(dim: 0).data<double>().ToArray();
        // C is symmetric positive definite: its condition number bounds the digits J(t) keeps.
        var spectrum = linalg.eigvalsh(c);
        double smallest = spectrum.min().item<double>();
        double condition = smallest > 0 ? spectrum.max().item<double>() / smallest : double.PositiveInfinity;
        return new FisherCurve(j, j.Sum(), lyapunov.Terms, lyapunov.Converged, condition);
    }
}

/// <param name="J">J(t) for t = 0 … horizon−1.</param>
/// <param name="Total">Σ_t J(t) over the horizon (J_tot).</param>
/// <param name="NoiseTerms">Terms in the noise covariance C.</param>
/// <param name="NoiseConverged">False when C was truncated at the horizon (the series diverges).</param>
/// <param name="NoiseCondition">cond₂(C); above ~1e12 (strongly non-normal A) J(t) loses most of its digits.</param>
public sealed record FisherCurve(double[] J, double Total, int NoiseTerms, bool NoiseConverged, double NoiseCondition)
{
    public const double UnreliableCondition = 1e12;

    public bool Reliable => NoiseCondition is > 0 and < UnreliableCondition;
}
