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
/// C = β C + α A B for the large float32 products of the fused recurrences (issue 13). The first
/// time a shape (m, n, k, transposes, threads) is seen on a machine, both libraries are timed on
/// scratch matrices of that shape and the faster is used for every product of that shape from then
/// on: no assumption about which BLAS is faster here. The choice is kept in a per-machine cache
/// file (<see cref="GemmChoiceCache"/>), so every later process makes the same choice: the same seed
/// gives the same numbers, and a resumed run continues with the library it started with. Products under
/// <see cref="MinimumWork"/> multiply-adds stay with libtorch. A and B may be transposed views;
/// C must have unit column stride.
/// </summary>
internal static class Gemm
{
    /// <summary>m·n·k below which libtorch always multiplies (small shapes: call overhead dominates; fused small kernels handle them).</summary>
    public const long MinimumWork = 1 << 22;

    private static readonly ConcurrentDictionary<(long, long, long, bool, bool, int), GemmBackend> Choices = new();

    private static readonly GemmBackend Default = Enum.TryParse<GemmBackend>(Environment.GetEnvironmentVariable("NNRNN_GEMM"), true, out var b) ? b : GemmBackend.Auto;
    private static readonly AsyncLocal<GemmBackend?> Override = new();

    /// <summary>
    /// The library for products started from this flow of execution (async-local, so a test or the
    /// roofline's measurement forcing one does not change another's); by default
    /// <c>NNRNN_GEMM=torch|openblas</c>, else <see cref="GemmBackend.Auto"/>, which measures.
    /// </summary>
    public static GemmBackend Backend { get => Override.Value ?? Default; set => Override.Value = value; }

    /// <summary>The OpenBLAS library loaded for sgemm, or null (every product with libtorch).</summary>
    public static string? OpenBlasLibrary => OpenBlas.Library;

    /// <summary>The library each shape settled on so far ("m×k×n" → library), for the benchmark's report.</summary>
    public static IReadOnlyDictionary<string, string> Decisions
        => Choices.ToDictionary(kv => $"{kv.Key.Item1}x{kv.Key.Item3}x{kv.Key.Item2}", kv => kv.Value.ToString());

    [ThreadStatic] private static int handedOff;   // OpenBLAS's thread count while libtorch runs on one thread; 0 when not

    /// <summary>
    /// For a loop of many small element-wise ops between products of one shape (a fused
    /// recurrence): when OpenBLAS does that shape, libtorch runs on one thread until disposal and
    /// OpenBLAS gets all of them, so libtorch's spinning OpenMP workers do not compete with
    /// OpenBLAS's threads for the cores at every step. Does nothing when libtorch does the shape.
    /// </summary>
    public static IDisposable HandOffThreads(Tensor c, Tensor a, Tensor b)
    {
        int threads = get_num_threads();
        if (handedOff != 0 || threads == 1 || Choose(c, a, b) != GemmBackend.OpenBlas) return NoHandOff.Instance;
        handedOff = threads;
        set_num_threads(1);
        return new HandOff(threads);
    }

    private sealed class HandOff(int threads) : IDisposable
    {
        public void Dispose() { handedOff = 0; set_num_threads(threads); }
    }

    private sealed class NoHandOff : IDisposable
    {
        public static readonly NoHandOff Instance = new();
        public void Dispose() { }
    }

    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    /// <summary>c ← β c + α a b, with a [m, k], b [k, n], c [m, n] (float32, CPU).</summary>
    public static void MultiplyInto(Tensor c, Tensor a, Tensor b, double beta = 1, double alpha = 1)
    {
        if (Choose(c, a, b) == GemmBackend.OpenBlas) Blas(c, a, b, beta, alpha, IsTransposed(a), IsTransposed(b));
        else if (handedOff == 0) Torch(c, a, b, beta, alpha);
        else
        {
            set_num_threads(handedOff);   // a libtorch product inside a hand-off still gets every thread
            try { Torch(c, a, b, beta, alpha); } finally { set_num_threads(1); }
        }
    }

    private static GemmBackend Choose(Tensor c, Tensor a, Tensor b)
    {
        long m = a.shape[0], k = a.shape[1], n = b.shape[1];
        bool usable = OpenBlas.Available && c.dtype == ScalarType.Float32 && a.dtype == ScalarType.Float32 && b.dtype == ScalarType.Float32
            && c.device_type == TorchSharp.DeviceType.CPU && c.stride(1) == 1 && (c.stride(0) >= n || m == 1) && Dense(a) && Dense(b);
        var backend = Backend;
        if (!usable || backend == GemmBackend.Torch) return GemmBackend.Torch;
        if (backend == GemmBackend.OpenBlas) return backend;
        if (m * n * k < MinimumWork) return GemmBackend.Torch;
        int threads = handedOff != 0 ? handedOff : get_num_threads();
        return Choices.GetOrAdd((m, n, k, IsTransposed(a), IsTransposed(b), threads), key => GemmChoiceCache.GetOrMeasure(key,
            () => Measure(key.Item1, key.Item2, key.Item3, key.Item4, key.Item5)));
    }

    /// <summary>Times both libraries on scratch matrices of the shape (best of a few, fewer for large products).</summary>
    private static GemmBackend Measure(long m, long n, long k, bool ta, bool tb)
    {
        using var scope = NewDisposeScope();
        k = Math.Min(k, 8192);   // dW's long inner dimension: the rate is the same, the scratch memory far less
        using var scratch = new Generator(0);   // never the global generator: measuring must not shift anyone's draws
        var a = ta ? rand(k, m, generator: scratch).t() : rand(m, k, generator: scratch);
        var b = tb ? rand(n, k, generator: scratch).t() : rand(k, n, generator: scratch);
        var c = zeros(m, n);
        // One untimed call each first (thread pools start, buffers are allocated: a first OpenBLAS call
        // at 1024³ looked slower than libtorch's). Then pairs of calls, the order alternating, and the
        // median of the pairs' time ratios: a pair's two calls see the same load, so a busy machine
        // moves both. (Each library's best time did not: psMNIST's step product settled on libtorch
        // while other work ran and then ran 1.6× slower than with OpenBLAS on the idle machine.)
        Torch(c, a, b, 0, 1);
        Blas(c, a, b, 0, 1, ta, tb);
        int pairs = m * n * k > 1L << 30 ? 3 : 9;
        var ratios = new double[pairs];
        for (int i = 0; i < pairs; i++)
        {
            double torchMs = 0, blasMs = 0;
            for (int half = 0; half < 2; half++)
            {
                bool torchNow = (half == 0) == (i % 2 == 0);
                var watch = Stopwatch.StartNew();
                if (torchNow) Torch(c, a, b, 0, 1); else Blas(c, a, b, 0, 1, ta, tb);
                if (torchNow) torchMs = watch.Elapsed.TotalMilliseconds; else blasMs = watch.Elapsed.TotalMilliseconds;
            }
            ratios[i] = blasMs / Math.Max(torchMs, 1e-6);
        }
        Array.Sort(ratios);
        return ratios[pairs / 2] < 1 ? GemmBackend.OpenBlas : GemmBackend.Torch;
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
            (float)beta, THSTensor_data(c.Handle), (int)Math.Max(c.stride(0), n), handedOff != 0 ? handedOff : get_num_threads());
    }

    // The leading dimension: the stride between rows (columns when transposed), at least the row length.
    private static int Lead(Tensor x, bool transposed)
        => (int)(transposed ? Math.Max(x.stride(1), x.shape[0]) : Math.Max(x.stride(0), x.shape[1]));
}
