using System.Runtime.InteropServices;

namespace NnRnn.Blas;

/// <summary>
/// OpenBLAS loaded at run time (Debian's <c>libopenblas0-pthread</c>, else <c>-openmp</c>), for its
/// AVX-512 sgemm kernels: libtorch's oneMKL runs its AVX2 code on AMD CPUs (issue 13). The pthread
/// build comes first so that the process keeps a single OpenMP runtime (libtorch's own libgomp).
/// Absent library: <see cref="Available"/> is false and every product stays with libtorch.
/// </summary>
internal static unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm;
    private static readonly delegate* unmanaged<int, void> setThreads;
    private static int threads = -1;

    /// <summary>Candidate libraries, first found wins; <c>NNRNN_OPENBLAS</c> names another one (or <c>none</c>).</summary>
    private static readonly string[] Candidates =
    {
        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
        "libopenblas.so.0",
    };

    /// <summary>
    /// OpenBLAS's idle threads poll for work for 2^n CPU ticks before they sleep (default n = 28: about
    /// 0.1 s here). Polling, they took the cores from a <see cref="StepTeam"/> started soon after a
    /// product: a resident-weights sequence ran at half speed for 0.1 s after each BLAS call. 2^18
    /// ticks (under 0.1 ms) still covers the gap between the step products of one sequence.
    /// Unless the user set <c>OPENBLAS_THREAD_TIMEOUT</c>; it is read when the library loads.
    /// </summary>
    internal const string ThreadTimeout = "18";

    static OpenBlas()
    {
        var chosen = Environment.GetEnvironmentVariable("NNRNN_OPENBLAS");
        if (chosen == "none") return;
        NnRnn.Devices.NativeEnvironment.Set("OPENBLAS_THREAD_TIMEOUT", ThreadTimeout);   // never overwrites the user's
        foreach (var path in chosen is { Length: > 0 } ? new[] { chosen } : Candidates)
        {
            if (!NativeLibrary.TryLoad(path, out var lib)) continue;
            if (NativeLibrary.TryGetExport(lib, "cblas_sgemm", out var s) && NativeLibrary.TryGetExport(lib, "openblas_set_num_threads", out var t))
            {
                sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)s;
                setThreads = (delegate* unmanaged<int, void>)t;
                Library = path;
                return;
            }
        }
    }

    /// <summary>Whether an OpenBLAS with cblas_sgemm was found.</summary>
    public static bool Available => sgemm != null;

    /// <summary>The library loaded, or null.</summary>
    public static string? Library { get; }

    /// <summary>
    /// C = α op(A) op(B) + β C on row-major float32 memory (cblas_sgemm); OpenBLAS runs with
    /// <paramref name="threadCount"/> threads (libtorch's count, so both use the same cores).
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, IntPtr a, int lda,
        IntPtr b, int ldb, float beta, IntPtr c, int ldc, int threadCount)
    {
        if (!Available) throw new InvalidOperationException("OpenBLAS is not loaded");
        if (threadCount != threads)
        {
            setThreads(threadCount);
            threads = threadCount;
        }
        sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, (float*)a, lda, (float*)b, ldb, beta, (float*)c, ldc);
    }
}
