using NnRnn.Devices;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// The loops of <see cref="LstmBackpropThroughTime"/> in C# over tensor memory (small shapes, see
/// <see cref="KernelSelection"/>): per step one fused gate product G_t = a_t + h_{t−1} U
/// (U [N, 4N], gates f, i, o, g) and one fused element-wise pass for the gates, c and h.
/// </summary>
internal static class LstmKernel
{
    /// <summary>
    /// The activated gates [T, B, 4N], H and C [T, B, N]. With <paramref name="blas"/> each step's gate
    /// product goes through <see cref="NnRnn.Blas.Gemm"/> (large shapes: a multi-threaded BLAS) and only
    /// the element-wise work stays here, one pass per row instead of about ten libtorch calls per step.
    /// </summary>
    public static (Tensor Gates, Tensor H, Tensor C) Forward(Tensor a, Tensor u, Tensor h0, Tensor c0, bool blas = false)
    {
        using var uc = u.contiguous();
        using var hc = h0.contiguous();
        using var cc = c0.contiguous();
        var gates = TensorMemoryPool.Empty(a.shape, a.dtype, a.device);
        gates.copy_(a);
        int steps = (int)a.shape[0], batch = (int)h0.shape[0], n = (int)h0.shape[1];
        var hiddens = TensorMemoryPool.Empty(new long[] { steps, batch, n }, a.dtype, a.device);
        var cells = TensorMemoryPool.Empty(new long[] { steps, batch, n }, a.dtype, a.device);
        Action<int>? product = null;
        if (blas)
            product = t =>
            {
                using var scope = NewDisposeScope();
                NnRnn.Blas.Gemm.MultiplyInto(gates[t], t == 0 ? hc : hiddens[t - 1], uc);
            };
        using var handOff = blas ? NnRnn.Blas.Gemm.HandOffThreads(gates[0], hc, uc) : null;
        if (a.dtype == ScalarType.Float64)
            Forward(TensorMemory.Of<double>(uc), TensorMemory.Of<double>(hc), TensorMemory.Of<double>(cc),
                TensorMemory.Of<double>(gates), TensorMemory.Of<double>(hiddens), TensorMemory.Of<double>(cells), steps, batch, n, product);
        else
            Forward(TensorMemory.Of<float>(uc), TensorMemory.Of<float>(hc), TensorMemory.Of<float>(cc),
                TensorMemory.Of<float>(gates), TensorMemory.Of<float>(hiddens), TensorMemory.Of<float>(cells), steps, batch, n, product);
        return (gates, hiddens, cells);
    }

    /// <summary>dL/da [T, B, 4N] and dL/dc0 [B, N] from dL/dH, dL/dC and what forward saved (<paramref name="blas"/>: as in <see cref="Forward(Tensor, Tensor, Tensor, Tensor, bool)"/>).</summary>
    public static (Tensor GradA, Tensor GradC0) Backward(Tensor dH, Tensor dC, Tensor u, Tensor c0, Tensor gates, Tensor cells, bool blas = false)
        => Backward(dH, dC, u, c0, gates, cells, blas, lastOnly: false);

    /// <summary>As <see cref="Backward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, bool)"/> when only h_T has a loss: dL/dh_T [B, N], no dL/dC.</summary>
    public static (Tensor GradA, Tensor GradC0) BackwardFromLast(Tensor dhLast, Tensor u, Tensor c0, Tensor gates, Tensor cells, bool blas = false)
    {
        using var noCellGradient = zeros_like(c0);         // one row of dL/dc_t = 0, read at every step
        return Backward(dhLast, noCellGradient, u, c0, gates, cells, blas, lastOnly: true);
    }

    private static (Tensor GradA, Tensor GradC0) Backward(Tensor dH, Tensor dC, Tensor u, Tensor c0, Tensor gates, Tensor cells, bool blas, bool lastOnly)
    {
        using var w = u.t().contiguous();                  // Uᵀ [4N, N]
        using var dh = dH.contiguous();
        using var dc = dC.contiguous();
        using var cc = c0.contiguous();
        int steps = (int)gates.shape[0], batch = (int)c0.shape[0], n = (int)c0.shape[1];
        var gradA = TensorMemoryPool.Empty(gates.shape, gates.dtype, gates.device);
        var gradC0 = empty_like(cc);
        using var carry = empty_like(cc);                  // dL/dh_t of the step being processed
        Action<int>? product = null;
        if (blas)
            product = t =>
            {
                using var scope = NewDisposeScope();
                NnRnn.Blas.Gemm.MultiplyInto(carry, gradA[t + 1], w, beta: lastOnly ? 0 : 1);   // last only: no dL/dh_t before T
            };
        using var handOff = blas ? NnRnn.Blas.Gemm.HandOffThreads(carry, gradA[0], w) : null;
        if (gates.dtype == ScalarType.Float64)
            Backward(TensorMemory.Of<double>(w), TensorMemory.Of<double>(dh), TensorMemory.Of<double>(dc), TensorMemory.Of<double>(cc),
                TensorMemory.Of<double>(gates), TensorMemory.Of<double>(cells), TensorMemory.Of<double>(gradA), TensorMemory.Of<double>(gradC0),
                TensorMemory.Of<double>(carry), steps, batch, n, product, lastOnly);
        else
            Backward(TensorMemory.Of<float>(w), TensorMemory.Of<float>(dh), TensorMemory.Of<float>(dc), TensorMemory.Of<float>(cc),
                TensorMemory.Of<float>(gates), TensorMemory.Of<float>(cells), TensorMemory.Of<float>(gradA), TensorMemory.Of<float>(gradC0),
                TensorMemory.Of<float>(carry), steps, batch, n, product, lastOnly);
        return (gradA, gradC0);
    }

    // gates holds a on entry and the activated gates on exit.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward<T>(ReadOnlySpan<T> u, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, Span<T> gates, Span<T> hiddens,
        Span<T> cells, int steps, int batch, int n, Action<int>? product) where T : unmanaged, INumber<T>
    {
        int stride = batch * n;
        for (int t = 0; t < steps; t++)
        {
            var g = gates.Slice(t * 4 * stride, 4 * stride);
            ReadOnlySpan<T> hPrev = t == 0 ? h0 : hiddens.Slice((t - 1) * stride, stride);
            ReadOnlySpan<T> cPrev = t == 0 ? c0 : cells.Slice((t - 1) * stride, stride);
            if (product is null) SmallMatmul.MultiplyAdd(hPrev, u, g, batch, n, 4 * n);
            else product(t);
            for (int b = 0; b < batch; b++)
                Cell(ref MemoryMarshal.GetReference(g.Slice(b * 4 * n)), ref MemoryMarshal.GetReference(cPrev.Slice(b * n)),
                    ref MemoryMarshal.GetReference(cells.Slice(t * stride + b * n)), ref MemoryMarshal.GetReference(hiddens.Slice(t * stride + b * n)), n, n);
        }
    }

    // One row of `units` units (gate blocks `n` apart): gates ← (σ f, σ i, σ o, tanh g); c = f c_prev + i g; h = o tanh c.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Cell<T>(ref T gate, ref T cPrev, ref T c, ref T h, int units, int n) where T : unmanaged, INumber<T>
    {
        for (int j = 0; j < units; j += Lanes.Full<T>(j, units) ? Vector256<T>.Count : 1)
        {
            bool full = Lanes.Full<T>(j, units);
            var f = VectorMath.Sigmoid(Lanes.Load(ref gate, j, full));
            var i = VectorMath.Sigmoid(Lanes.Load(ref gate, n + j, full));
            var o = VectorMath.Sigmoid(Lanes.Load(ref gate, 2 * n + j, full));
            var g = VectorMath.Tanh(Lanes.Load(ref gate, 3 * n + j, full));
            Lanes.Store(f, ref gate, j, full);
            Lanes.Store(i, ref gate, n + j, full);
            Lanes.Store(o, ref gate, 2 * n + j, full);
            Lanes.Store(g, ref gate, 3 * n + j, full);
            var cNew = f * Lanes.Load(ref cPrev, j, full) + i * g;
            Lanes.Store(cNew, ref c, j, full);
            Lanes.Store(o * VectorMath.Tanh(cNew), ref h, j, full);
        }
    }

    // dh_t = dL/dh_t + dG_{t+1} Uᵀ; dc_t = dL/dc_t + dh_t o (1 − tanh² c_t) + dc_{t+1} f_{t+1};
    // dG = (dc c_{t−1} f(1−f), dc g i(1−i), dh tanh(c) o(1−o), dc i (1−g²)).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Backward<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> dH, ReadOnlySpan<T> dC, ReadOnlySpan<T> c0,
        ReadOnlySpan<T> gates, ReadOnlySpan<T> cells, Span<T> dG, Span<T> dcCarry, Span<T> dh, int steps, int batch, int n,
        Action<int>? product, bool lastOnly) where T : unmanaged, INumber<T>
    {
        // lastOnly: dH is dL/dh_T alone and dC one zero row (no loss on c_t or on h_t before T).
        int stride = batch * n;
        for (int t = steps - 1; t >= 0; t--)
        {
            bool last = t == steps - 1;
            if (!lastOnly) dH.Slice(t * stride, stride).CopyTo(dh);
            else if (last) dH.CopyTo(dh);
            else if (product is null) dh.Clear();
            if (!last)
            {
                if (product is null) SmallMatmul.MultiplyAdd(dG.Slice((t + 1) * 4 * stride, 4 * stride), w, dh, batch, 4 * n, n);
                else product(t);
            }
            ReadOnlySpan<T> cPrev = t == 0 ? c0 : cells.Slice((t - 1) * stride, stride);
            for (int b = 0; b < batch; b++)
            {
                ref T gate = ref MemoryMarshal.GetReference(gates.Slice((t * batch + b) * 4 * n));
                ref T fNext = ref last ? ref gate : ref MemoryMarshal.GetReference(gates.Slice(((t + 1) * batch + b) * 4 * n));
                Row(ref gate, ref fNext, !last, ref MemoryMarshal.GetReference(cells.Slice(t * stride + b * n)),
                    ref MemoryMarshal.GetReference(cPrev.Slice(b * n)), ref dh[b * n], ref MemoryMarshal.GetReference(dC.Slice((lastOnly ? 0 : t * stride) + b * n)),
                    ref MemoryMarshal.GetReference(dcCarry.Slice(b * n)), ref MemoryMarshal.GetReference(dG.Slice((t * batch + b) * 4 * n)), n, n);
            }
        }
        // dcCarry now holds dc_0; dL/dc0 = dc_0 f_0.
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < n; j++) dcCarry[b * n + j] *= gates[b * 4 * n + j];
    }

    // One row of `units` units (gate blocks `n` apart); dcCarry holds dc_{t+1} on entry (when hasNext) and dc_t on exit.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Row<T>(ref T gate, ref T gateNext, bool hasNext, ref T c, ref T cPrev, ref T dh, ref T dcIn, ref T dcCarry,
        ref T dG, int units, int n) where T : unmanaged, INumber<T>
    {
        var one = Vector256<T>.One;
        for (int j = 0; j < units; j += Lanes.Full<T>(j, units) ? Vector256<T>.Count : 1)
        {
            bool full = Lanes.Full<T>(j, units);
            var f = Lanes.Load(ref gate, j, full);
            var i = Lanes.Load(ref gate, n + j, full);
            var o = Lanes.Load(ref gate, 2 * n + j, full);
            var g = Lanes.Load(ref gate, 3 * n + j, full);
            var tc = VectorMath.Tanh(Lanes.Load(ref c, j, full));
            var dhv = Lanes.Load(ref dh, j, full);
            var dc = Lanes.Load(ref dcIn, j, full) + dhv * o * (one - tc * tc);
            if (hasNext) dc += Lanes.Load(ref dcCarry, j, full) * Lanes.Load(ref gateNext, j, full);
            Lanes.Store(dc, ref dcCarry, j, full);
            Lanes.Store(dc * Lanes.Load(ref cPrev, j, full) * f * (one - f), ref dG, j, full);
            Lanes.Store(dc * g * i * (one - i), ref dG, n + j, full);
            Lanes.Store(dhv * tc * o * (one - o), ref dG, 2 * n + j, full);
            Lanes.Store(dc * i * (one - g * g), ref dG, 3 * n + j, full);
        }
    }
}
