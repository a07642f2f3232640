using System.Runtime.InteropServices;

namespace NnRnn.Blas;

/// <summary>
/// A recurrent weight matrix B [K, ·] packed once per sequence into panels of 64 columns, each
/// panel's K rows contiguous. Each worker of a <see cref="StepTeam"/> multiplies with its own panels
/// at every step, so they stay in its core's cache for the whole sequence: the CPU form of
/// "persistent RNN" kernels (issue 13), where a general sgemm packs and streams all of B at every
/// step. Float32; the products run in <see cref="RegisterTile"/>.
/// </summary>
internal sealed unsafe class ResidentWeights : IDisposable
{
    /// <summary>Columns per panel (four Vector512 of float).</summary>
    public const int PanelWidth = RegisterTile.Width;

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
            for (; i + TileRows <= m; i += TileRows) RegisterTile.FourRows(a + (long)i * lda, lda, 1, panel, PanelWidth, K, cp + (long)i * ldc, ldc, accumulate);
            for (; i < m; i++) RegisterTile.OneRow(a + (long)i * lda, panel, PanelWidth, K, cp + (long)i * ldc, accumulate);
        }
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
