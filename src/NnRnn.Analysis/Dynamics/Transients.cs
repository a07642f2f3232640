using NnRnn.Analysis.Linear;
using static TorchSharp.torch;

namespace NnRnn.Analysis.Dynamics;

/// <summary>
/// Linear transients h_{t+1} = A h_t from an ensemble of initial states uniform on the unit
/// sphere (the paper's Fig. 1b): a non-normal A can amplify ‖h_t‖ for a while even when every
/// eigenvalue has modulus ≤ 1.
/// </summary>
public static class Transients
{
    public static TransientEnsemble Simulate(double[,] a, int steps, int samples, long seed)
    {
        Dense.RequireSquare(a, "transients");
        if (steps < 1) throw new ArgumentException($"--steps: must be positive (got {steps})");
        if (samples < 2) throw new ArgumentException($"--samples: need at least 2 initial states (got {samples})");
        if ((long)steps * samples > 20_000_000)
            throw new ArgumentException($"--steps x --samples: at most 2e7 recorded norms (got {(long)steps * samples})");
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        int n = a.GetLength(0);
        var at = Dense.Tensor(a).t();
        // A normalised Gaussian vector is uniform on the sphere.
        var h = randn(new long[] { samples, n }, dtype: ScalarType.Float64, generator: generator);
        h = h / h.norm(1, keepdim: true);
        var norms = new List<Tensor>();
        var spreads = new List<Tensor>();
        for (int t = 0; t <= steps; t++)
        {
            if (t > 0)
            {
                var next = h.matmul(at);           // rows are states: (A h)ᵀ = hᵀ Aᵀ
                h.Dispose();                       // keep one state matrix alive, not one per step
                h = next;
            }
            norms.Add(h.norm(1));
            spreads.Add(h.std(1, unbiased: false));
        }
        return new TransientEnsemble(Summary.Of(stack(norms, 0)), Summary.Of(stack(spreads, 0)), samples);
    }
}

/// <param name="Norm">‖h_t‖ over the ensemble, per t.</param>
/// <param name="UnitSpread">The across-unit standard deviation of h_t over the ensemble, per t.</param>
public sealed record TransientEnsemble(Summary Norm, Summary UnitSpread, int Samples);

/// <summary>Per-time statistics over an ensemble (arrays indexed by t = 0 … steps).</summary>
public sealed record Summary(double[] Mean, double[] Std, double[] Q10, double[] Q90, double[] Max)
{
    /// <param name="values">[time, sample].</param>
    public static Summary Of(Tensor values)
    {
        var q = quantile(values, tensor(new[] { 0.1, 0.9 }, dtype: ScalarType.Float64), dim: 1);
        return new Summary(Row(values.mean(new long[] { 1 })), Row(values.std(1)), Row(q[0]), Row(q[1]), Row(values.amax(1)));
    }

    private static double[] Row(Tensor t) => t.contiguous().data<double>().ToArray();
}
