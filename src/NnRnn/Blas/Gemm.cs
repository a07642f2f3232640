using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace NnRnn.Blas;

/// <summary>Which library multiplies: libtorch's matmul or OpenBLAS's cblas_sgemm.</summary>
public enum GemmBackend
{
    /// <summary>Measure both on the first products of each shape and keep the faster (the default).</summary>
    Auto,
    /// <summary>Always libtorch (addmm).</summary>
    Torch,
    /// <summary>Always OpenBLAS where it is loaded (libtorch otherwise).</summary>
    OpenBlas,
}

/// <summary>
/// C = β C + α A B for the large float32 products of the fused recurrences (issue 13). Each shape
/// (m, n, k, transposes, threads) is timed on its first real products with both libraries,
/// alternating, and then always goes to the faster: no assumption about which BLAS is faster here.
/// A and B may be transposed views; C must have unit column stride.
/// </summary>
internal static class Gemm
{
    private const int Trials = 3;   // products timed per library and shape before choosing

    private sealed class Choice
    {
        public readonly double[] Best = { double.MaxValue, double.MaxValue };
        public int Calls;
        public GemmBackend? Winner;
    }

    private static readonly ConcurrentDictionary<(long, long, long, bool, bool, int), Choice> Choices = new();

    /// <summary>Forces a library (tests, benchmarks); <see cref="GemmBackend.Auto"/> measures.</summary>
    public static GemmBackend Backend { get; set; } = Enum.TryParse<GemmBackend>(Environment.GetEnvironmentVariable("NNRNN_GEMM"), true, out var b) ? b : GemmBackend.Auto;

    /// <summary>The library each shape settled on so far, for the benchmark's report.</summary>
    public static IReadOnlyDictionary<string, string> Decisions
        => Choices.Where(kv => kv.Value.Winner is not null)
            .ToDictionary(kv => $"{kv.Key.Item1}x{kv.Key.Item3}x{kv.Key.Item2}", kv => kv.Value.Winner!.ToString()!);

    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    /// <summary>c ← β c + α a b, with a [m, k], b [k, n], c [m, n] (float32, CPU).</summary>
    public static void MultiplyInto(Tensor c, Tensor a, Tensor b, double beta = 1, double alpha = 1)
    {
        long m = a.shape[0], k = a.shape[1], n = b.shape[1];
        bool ta = IsTransposed(a), tb = IsTransposed(b);
        var backend = Backend;
        bool usable = OpenBlas.Available && c.dtype == ScalarType.Float32 && a.dtype == ScalarType.Float32 && b.dtype == ScalarType.Float32
            && c.device_type == TorchSharp.DeviceType.CPU && c.stride(1) == 1 && (c.stride(0) >= n || m == 1) && Dense(a) && Dense(b);
        if (!usable || backend == GemmBackend.Torch) { Torch(c, a, b, beta, alpha); return; }
        if (backend == GemmBackend.OpenBlas) { Blas(c, a, b, beta, alpha, ta, tb); return; }

        int threads = get_num_threads();
        var choice = Choices.GetOrAdd((m, n, k, ta, tb, threads), _ => new Choice());
        if (choice.Winner is { } w)
        {
            if (w == GemmBackend.OpenBlas) Blas(c, a, b, beta, alpha, ta, tb); else Torch(c, a, b, beta, alpha);
            return;
        }
        int which = choice.Calls++ % 2;
        var watch = Stopwatch.StartNew();
        if (which == 0) Torch(c, a, b, beta, alpha); else Blas(c, a, b, beta, alpha, ta, tb);
        choice.Best[which] = Math.Min(choice.Best[which], watch.Elapsed.TotalMilliseconds);
        if (choice.Calls >= 2 * Trials)
            choice.Winner = choice.Best[1] < choice.Best[0] ? GemmBackend.OpenBlas : GemmBackend.Torch;
    }

    private static void Torch(Tensor c, Tensor a, Tensor b, double beta, double alpha)
        => c.addmm_(a, b, (float)beta, (float)alpha);   // returns c itself: not disposed here

    // Row-major BLAS takes a matrix with unit column stride, or its transpose with unit row stride.
    private static bool IsTransposed(Tensor x) => x.stride(1) != 1 && x.stride(0) == 1;

    private static bool Dense(Tensor x) => x.device_type == TorchSharp.DeviceType.CPU
        && (x.stride(1) == 1 && (x.stride(0) >= x.shape[1] || x.shape[0] == 1) || x.stride(0) == 1 && x.stride(1) >= x.shape[0]);

    private static void Blas(Tensor c, Tensor a, Tensor b, double beta, double alpha, bool ta, bool tb)
    {
        long m = a.shape[0], k = a.shape[1], n = b.shape[1];
        if (m == 0 || n == 0) return;
        OpenBlas.Sgemm(ta, tb, (int)m, (int)n, (int)k, (float)alpha,
            THSTensor_data(a.Handle), Lead(a, ta), THSTensor_data(b.Handle), Lead(b, tb),
            (float)beta, THSTensor_data(c.Handle), (int)Math.Max(c.stride(0), n), get_num_threads());
    }

    // The leading dimension: the stride between rows (columns when transposed), at least the row length.
    private static int Lead(Tensor x, bool transposed)
        => (int)(transposed ? Math.Max(x.stride(1), x.shape[0]) : Math.Max(x.stride(0), x.shape[1]));
}
