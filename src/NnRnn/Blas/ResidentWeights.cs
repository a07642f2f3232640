using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NnRnn.Blas;

/// <summary>
/// A recurrent weight matrix B [K, ·] packed once per sequence into panels of 64 columns, each
/// panel's K rows contiguous. Each worker of a <see cref="StepTeam"/> multiplies with its own panels
/// at every step, so they stay in its core's cache for the whole sequence: the CPU form of
/// "persistent RNN" kernels (issue 13), where a general sgemm packs and streams all of B at every
/// step. Float32; register tiles of 4 rows × 64 columns (16 Vector512 accumulators).
/// </summary>
internal sealed unsafe class ResidentWeights : IDisposable
{
    /// <summary>Columns per panel (four Vector512 of float).</summary>
    public const int PanelWidth = 64;

    private const int TileRows = 4;

    private float* packed;
    private readonly int[] columns;

    /// <summary>
    /// Packs the columns <paramref name="panelColumns"/>[p] … +63 of B (row-major, <paramref name="k"/> rows
    /// of <paramref name="rowLength"/>) as panel p; the product writes panel p to the same columns of C.
    /// </summary>
    public ResidentWeights(ReadOnlySpan<float> b, int k, int rowLength, int[] panelColumns)
    {
        if (b.Length < (long)k * rowLength) throw new ArgumentException("B is shorter than k rows");
        if (panelColumns.Any(c => c < 0 || c + PanelWidth > rowLength)) throw new ArgumentException("a panel lies outside B's rows");
        K = k;
        columns = panelColumns.ToArray();
        packed = (float*)NativeMemory.AlignedAlloc((nuint)((long)k * PanelWidth * columns.Length * sizeof(float)), 64);
        for (int p = 0; p < columns.Length; p++)
            for (int q = 0; q < k; q++)
                b.Slice(q * rowLength + columns[p], PanelWidth).CopyTo(new Span<float>(packed + ((long)p * k + q) * PanelWidth, PanelWidth));
    }

    /// <summary>The rows of B (the product's inner dimension).</summary>
    public int K { get; }

    /// <summary>How many panels were packed.</summary>
    public int Panels => columns.Length;

    /// <summary>Panels 0, 64, 128, … covering all <paramref name="n"/> columns (a multiple of <see cref="PanelWidth"/>).</summary>
    public static int[] Consecutive(int n) => Enumerable.Range(0, n / PanelWidth).Select(p => p * PanelWidth).ToArray();

    /// <summary>Worker <paramref name="worker"/>'s share of <paramref name="count"/> items split as evenly as possible.</summary>
    public static (int First, int Count) Share(int count, int worker, int workers)
    {
        int first = (int)((long)count * worker / workers);
        return (first, (int)((long)count * (worker + 1) / workers) - first);
    }

    /// <summary>
    /// For panels [first, first + count): C[i, panel's columns] = (accumulate ? C : 0) + Σ_q A[i, q] B[q, panel's columns],
    /// rows i &lt; <paramref name="m"/>; A and C row-major with leading dimensions <paramref name="lda"/> and <paramref name="ldc"/>.
    /// </summary>
    public void MultiplyInto(float* a, int lda, int m, float* c, int ldc, int first, int count, bool accumulate)
    {
        ObjectDisposedException.ThrowIf(packed == null, this);
        for (int p = first; p < first + count; p++)
        {
            float* panel = packed + (long)p * K * PanelWidth;
            float* cp = c + columns[p];
            int i = 0;
            for (; i + TileRows <= m; i += TileRows) Tile4(a + (long)i * lda, lda, panel, K, cp + (long)i * ldc, ldc, accumulate);
            for (; i < m; i++) Tile1(a + (long)i * lda, panel, K, cp + (long)i * ldc, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Start(float* c, bool accumulate) => accumulate ? Vector512.Load(c) : Vector512<float>.Zero;

    // 4 rows × 64 columns: per inner step four panel loads, four broadcasts and sixteen FMAs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4(float* a, int lda, float* b, int k, float* c, int ldc, bool accumulate)
    {
        float* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        Vector512<float> r00 = Start(c, accumulate), r01 = Start(c + 16, accumulate), r02 = Start(c + 32, accumulate), r03 = Start(c + 48, accumulate);
        Vector512<float> r10 = Start(c1, accumulate), r11 = Start(c1 + 16, accumulate), r12 = Start(c1 + 32, accumulate), r13 = Start(c1 + 48, accumulate);
        Vector512<float> r20 = Start(c2, accumulate), r21 = Start(c2 + 16, accumulate), r22 = Start(c2 + 32, accumulate), r23 = Start(c2 + 48, accumulate);
        Vector512<float> r30 = Start(c3, accumulate), r31 = Start(c3 + 16, accumulate), r32 = Start(c3 + 32, accumulate), r33 = Start(c3 + 48, accumulate);
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int q = 0; q < k; q++, b += PanelWidth)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var b3 = Vector512.Load(b + 48);
            var x = Vector512.Create(a[q]);
            r00 = Vector512.FusedMultiplyAdd(x, b0, r00); r01 = Vector512.FusedMultiplyAdd(x, b1, r01);
            r02 = Vector512.FusedMultiplyAdd(x, b2, r02); r03 = Vector512.FusedMultiplyAdd(x, b3, r03);
            x = Vector512.Create(a1[q]);
            r10 = Vector512.FusedMultiplyAdd(x, b0, r10); r11 = Vector512.FusedMultiplyAdd(x, b1, r11);
            r12 = Vector512.FusedMultiplyAdd(x, b2, r12); r13 = Vector512.FusedMultiplyAdd(x, b3, r13);
            x = Vector512.Create(a2[q]);
            r20 = Vector512.FusedMultiplyAdd(x, b0, r20); r21 = Vector512.FusedMultiplyAdd(x, b1, r21);
            r22 = Vector512.FusedMultiplyAdd(x, b2, r22); r23 = Vector512.FusedMultiplyAdd(x, b3, r23);
            x = Vector512.Create(a3[q]);
            r30 = Vector512.FusedMultiplyAdd(x, b0, r30); r31 = Vector512.FusedMultiplyAdd(x, b1, r31);
            r32 = Vector512.FusedMultiplyAdd(x, b2, r32); r33 = Vector512.FusedMultiplyAdd(x, b3, r33);
        }
        r00.Store(c); r01.Store(c + 16); r02.Store(c + 32); r03.Store(c + 48);
        r10.Store(c1); r11.Store(c1 + 16); r12.Store(c1 + 32); r13.Store(c1 + 48);
        r20.Store(c2); r21.Store(c2 + 16); r22.Store(c2 + 32); r23.Store(c2 + 48);
        r30.Store(c3); r31.Store(c3 + 16); r32.Store(c3 + 32); r33.Store(c3 + 48);
    }

    // The rows left over after the 4-row tiles, one at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1(float* a, float* b, int k, float* c, bool accumulate)
    {
        Vector512<float> r0 = Start(c, accumulate), r1 = Start(c + 16, accumulate), r2 = Start(c + 32, accumulate), r3 = Start(c + 48, accumulate);
        for (int q = 0; q < k; q++, b += PanelWidth)
        {
            var x = Vector512.Create(a[q]);
            r0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b), r0);
            r1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 16), r1);
            r2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 32), r2);
            r3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 48), r3);
        }
        r0.Store(c); r1.Store(c + 16); r2.Store(c + 32); r3.Store(c + 48);
    }

    public void Dispose()
    {
        if (packed == null) return;
        NativeMemory.AlignedFree(packed);
        packed = null;
        GC.SuppressFinalize(this);
    }

    ~ResidentWeights() => Dispose();
}
