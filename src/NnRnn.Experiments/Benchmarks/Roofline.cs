using System.Diagnostics;
using NnRnn.Blas;
using NnRnn.Cells;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Benchmarks;

/// <summary>One measured sgemm rate: [m×k]·[k×n] with one library.</summary>
public sealed record SgemmRate(long m, long k, long n, string backend, int threads, double gflops);

/// <summary>
/// The machine's limit for an update (issue 13 item 2): the update's matrix-product FLOPs divided
/// by the best sgemm rate of a large square product, with the fastest library the tool can use
/// (libtorch, OpenBLAS, or the recurrences' resident-weights kernel).
/// </summary>
public static class Roofline
{
    /// <summary>The large square shape whose rate is the roofline.</summary>
    public const long LargeSide = 2048;

    /// <summary>GFLOP/s of c ← a b with <paramref name="backend"/>, best of <paramref name="repeats"/> after one warm-up.</summary>
    public static double Rate(long m, long k, long n, GemmBackend backend, int threads, int repeats = 3)
    {
        set_num_threads(threads);
        using var scope = NewDisposeScope();
        var a = rand(m, k);
        var b = rand(k, n);
        var c = zeros(m, n);
        var previous = Gemm.Backend;
        Gemm.Backend = backend;
        try
        {
            double best = double.MaxValue;
            for (int i = 0; i <= repeats; i++)
            {
                var watch = Stopwatch.StartNew();
                Gemm.MultiplyInto(c, a, b, beta: 0);
                if (i > 0) best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            return Math.Round(2.0 * m * k * n / best / 1e9, 1);
        }
        finally { Gemm.Backend = previous; }
    }

    /// <summary>The libraries the tool can multiply with here.</summary>
    public static GemmBackend[] Backends => OpenBlas.Available ? new[] { GemmBackend.Torch, GemmBackend.OpenBlas } : new[] { GemmBackend.Torch };

    /// <summary>Rates of every library at the large square shape and at the recurrence step's shape.</summary>
    public static List<SgemmRate> Measure(BenchmarkConfig c)
    {
        var rates = new List<SgemmRate>();
        long width = c.Net == NetType.Lstm ? 4 * c.Hidden : c.Hidden;
        foreach (var backend in Backends)
        {
            rates.Add(new(LargeSide, LargeSide, LargeSide, backend.ToString(), c.Threads, Rate(LargeSide, LargeSide, LargeSide, backend, c.Threads)));
            rates.Add(new(c.Batch, c.Hidden, width, backend.ToString(), c.Threads, Rate(c.Batch, c.Hidden, width, backend, c.Threads, 20)));
        }
        // the recurrences' own step kernel counts too: the roofline is the fastest product the tool has
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && width % ResidentWeights.PanelWidth == 0)
        {
            rates.Add(new(LargeSide, LargeSide, LargeSide, "Resident", c.Threads, ResidentSelection.Rate(LargeSide, LargeSide, LargeSide, c.Threads, 1)));
            rates.Add(new(c.Batch, c.Hidden, width, "Resident", c.Threads, ResidentSelection.Rate(c.Batch, c.Hidden, width, c.Threads, 20)));
        }
        return rates;
    }

    /// <summary>
    /// Matrix-product FLOPs (2·m·k·n each) of one update: the recurrence (forward h W, backward
    /// dz Wᵀ, dW), the input projection (forward, dU), the read-out (forward, both gradients) and,
    /// for expRNN and nnRNN, the orthogonal step (counted as 20 N×N products: Padé-13 expm with
    /// its Fréchet derivative and the solves) and nnRNN's W = P(Λ + T)Pᵀ (2 products, 4 back).
    /// </summary>
    public static double UpdateFlops(BenchmarkConfig c, long inputSize, long outputs, bool readoutEveryStep)
    {
        double t = c.Length, b = c.Batch, n = c.Hidden, gates = c.Net == NetType.Lstm ? 4 : 1;
        double recurrence = 3 * 2 * t * b * n * (gates * n);
        double input = 2 * 2 * t * b * inputSize * (gates * n);
        double readout = 3 * 2 * (readoutEveryStep ? t : 1) * b * n * outputs;
        double square = 2 * n * n * n;
        double orthogonal = c.Net switch { NetType.ExpRnn => 20 * square, NetType.NnRnn => 26 * square, _ => 0 };
        return recurrence + input + readout + orthogonal;
    }
}
