using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NnRnn.Blas;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// <see cref="InputProjection"/> for one input feature (psMNIST's pixel): U(x) = x u + b is a broadcast
/// multiply-add over [T·B, N] that only streams memory (642 MB for the LSTM's gates), so each pass
/// counts. Forward writes the output once (libtorch: a fill with b, then a read-modify-write for
/// x·u); backward reads dL/dU(x) once for both dL/du = Σ_r g_r x_r and dL/db = Σ_r g_r (libtorch: a
/// product and a sum, two reads), summed in double. Float32, split across <see cref="StepTeam"/> workers.
/// </summary>
internal static class ScalarInputKernel
{
    /// <summary>output[r, j] = b[j] + x[r] u[j] for <paramref name="rows"/> rows of <paramref name="n"/> (b empty: no bias).</summary>
    public static void Forward(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> u, ReadOnlySpan<float> b, int rows, int n, int workers)
    {
        if (output.Length < (long)rows * n || x.Length < rows || u.Length < n || (b.Length != 0 && b.Length < n))
            throw new ArgumentException("scalar input projection: shapes do not match");
        unsafe
        {
            fixed (float* po = output, px = x, pu = u, pb = b)
            {
                var (ao, ax, au, ab, hasBias) = ((nint)po, (nint)px, (nint)pu, (nint)pb, b.Length != 0);
                StepTeam.Run(workers, 1, (worker, _) =>
                {
                    var (first, count) = ResidentWeights.Share(rows, worker, workers);
                    Rows((float*)ao, (float*)ax, (float*)au, hasBias ? (float*)ab : null, first, count, n);
                });
            }
        }
    }

    // Its own method, optimised from the first call: it runs once per update (a lambda's loop is only on-stack replaced).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Rows(float* output, float* x, float* u, float* b, int first, int count, int n)
    {
        for (int r = first; r < first + count; r++)
            Row(new Span<float>(output + (long)r * n, n), x[r], new ReadOnlySpan<float>(u, n), b == null ? default : new ReadOnlySpan<float>(b, n));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(Span<float> output, float x, ReadOnlySpan<float> u, ReadOnlySpan<float> b)
    {
        var xv = Vector256.Create(x);
        int j = 0;
        for (; j + Vector256<float>.Count <= output.Length; j += Vector256<float>.Count)
        {
            var start = b.IsEmpty ? Vector256<float>.Zero : Vector256.Create(b.Slice(j, Vector256<float>.Count));
            (start + xv * Vector256.Create(u.Slice(j, Vector256<float>.Count))).CopyTo(output.Slice(j));
        }
        for (; j < output.Length; j++) output[j] = (b.IsEmpty ? 0f : b[j]) + x * u[j];
    }

    /// <summary>dL/du [N] and dL/db [N] (double) from g [rows, N] and x [rows]; workers split the columns, so the sums do not depend on their number.</summary>
    public static (double[] GradU, double[] GradB) Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, int rows, int n, int workers)
    {
        if (g.Length < (long)rows * n || x.Length < rows) throw new ArgumentException("scalar input projection: shapes do not match");
        var gradU = new double[n];
        var gradB = new double[n];
        int blocks = (n + 7) / 8;
        unsafe
        {
            fixed (float* pg = g, px = x)
            {
                var (ag, ax) = ((nint)pg, (nint)px);
                StepTeam.Run(Math.Min(workers, blocks), 1, (worker, _) =>
                {
                    var (first, count) = ResidentWeights.Share(blocks, worker, Math.Min(workers, blocks));
                    int c0 = first * 8, c1 = Math.Min(n, (first + count) * 8);
                    Columns((float*)ag, (float*)ax, rows, n, c0, c1, gradU, gradB);
                });
            }
        }
        return (gradU, gradB);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Columns(float* g, float* x, int rows, int n, int c0, int c1, double[] gradU, double[] gradB)
    {
        for (int r = 0; r < rows; r++)
            Accumulate(new ReadOnlySpan<float>(g + (long)r * n + c0, c1 - c0), x[r], gradU.AsSpan(c0, c1 - c0), gradB.AsSpan(c0, c1 - c0));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ReadOnlySpan<float> g, float x, Span<double> gradU, Span<double> gradB)
    {
        var xv = Vector256.Create((double)x);
        int j = 0;
        for (; j + 8 <= g.Length; j += 8)
        {
            var (low, high) = Vector256.Widen(Vector256.Create(g.Slice(j, 8)));
            ref double u = ref MemoryMarshal.GetReference(gradU.Slice(j));
            ref double b = ref MemoryMarshal.GetReference(gradB.Slice(j));
            (Vector256.LoadUnsafe(ref u) + low * xv).StoreUnsafe(ref u);
            (Vector256.LoadUnsafe(ref u, 4) + high * xv).StoreUnsafe(ref u, 4);
            (Vector256.LoadUnsafe(ref b) + low).StoreUnsafe(ref b);
            (Vector256.LoadUnsafe(ref b, 4) + high).StoreUnsafe(ref b, 4);
        }
        for (; j < g.Length; j++)
        {
            gradU[j] += (double)g[j] * x;
            gradB[j] += g[j];
        }
    }
}
