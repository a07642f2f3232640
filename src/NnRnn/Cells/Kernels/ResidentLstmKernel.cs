using NnRnn.Blas;
using NnRnn.Devices;
using static TorchSharp.torch;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// <see cref="LstmKernel"/>'s loops with U resident per core (issue 13): each worker of a
/// <see cref="StepTeam"/> owns a block of hidden units and the four gate columns of each (f, i, o, g
/// panels packed side by side), so its gate product, cell update and backward element-wise work need
/// no other worker's results within a step. Float32 on the CPU; N a multiple of 64.
/// </summary>
internal static unsafe class ResidentLstmKernel
{
    private const int Width = ResidentWeights.PanelWidth;

    /// <summary>
    /// The activated gates [T, B, 4N], H and C [T, B, N] from a [T, B, 4N], U [N, 4N], h0 and c0 [B, N];
    /// <paramref name="inPlace"/>: the gates are activated in a's own memory (a contiguous scratch buffer of the caller's).
    /// </summary>
    public static (Tensor Gates, Tensor H, Tensor C) Forward(Tensor a, Tensor u, Tensor h0, Tensor c0, int workers, bool inPlace = false)
    {
        int steps = (int)a.shape[0], batch = (int)h0.shape[0], n = (int)h0.shape[1], stride = batch * n, blocks = n / Width;
        Tensor gates;
        if (inPlace && a.is_contiguous()) gates = a.detach();   // another handle on a's memory; autograd never sees the writes
        else
        {
            gates = TensorMemoryPool.Empty(a.shape, a.dtype, a.device);
            gates.copy_(a);
        }
        var hiddens = TensorMemoryPool.Empty(new long[] { steps, batch, n }, a.dtype, a.device);
        var cells = TensorMemoryPool.Empty(new long[] { steps, batch, n }, a.dtype, a.device);
        using var uc = u.detach().contiguous();
        using var hc = h0.detach().contiguous();
        using var cc = c0.detach().contiguous();
        // panel 4b + k: gate k's columns of unit block b
        var columns = Enumerable.Range(0, 4 * blocks).Select(p => p % 4 * n + p / 4 * Width).ToArray();
        using var weights = new ResidentWeights(TensorMemory.Of<float>(uc), n, 4 * n, columns);
        var (g, h, c, hStart, cStart) = ((nint)TensorMemory.Address(gates), (nint)TensorMemory.Address(hiddens), (nint)TensorMemory.Address(cells),
            (nint)TensorMemory.Address(hc), (nint)TensorMemory.Address(cc));
        StepTeam.Run(workers, steps, (worker, t) =>
        {
            var (first, count) = ResidentWeights.Share(blocks, worker, workers);
            int unit = first * Width, units = count * Width;
            float* gt = (float*)g + (long)t * 4 * stride, ht = (float*)h + (long)t * stride, ct = (float*)c + (long)t * stride;
            float* hPrev = t == 0 ? (float*)hStart : ht - stride, cPrev = t == 0 ? (float*)cStart : ct - stride;
            weights.MultiplyInto(hPrev, n, batch, gt, 4 * n, 4 * first, 4 * count, accumulate: true);
            for (int b = 0; b < batch; b++)
            {
                long row = (long)b * n + unit;
                LstmKernel.Cell(ref gt[(long)b * 4 * n + unit], ref cPrev[row], ref ct[row], ref ht[row], units, n);
            }
        });
        return (gates, hiddens, cells);
    }

    /// <summary>
    /// dL/da [T, B, 4N] and dL/dc0 [B, N] from dL/dH and dL/dC [T, B, N] (or, <paramref name="lastOnly"/>,
    /// dL/dh_T [B, N] and one zero row for dL/dC) and what forward saved.
    /// </summary>
    public static (Tensor GradA, Tensor GradC0) Backward(Tensor dH, Tensor dC, Tensor u, Tensor c0, Tensor gates, Tensor cells, bool lastOnly, int workers)
    {
        int steps = (int)gates.shape[0], batch = (int)c0.shape[0], n = (int)c0.shape[1], stride = batch * n, blocks = n / Width;
        using var w = u.detach().t().contiguous();                  // Uᵀ [4N, N]
        using var dh = dH.contiguous();
        using var dc = dC.contiguous();
        using var cc = c0.detach().contiguous();
        var gradA = TensorMemoryPool.Empty(gates.shape, gates.dtype, gates.device);
        var carry = empty_like(cc);                                  // dc_t, then dL/dc0
        using var dhStep = empty_like(cc);                           // dL/dh_t of the step being processed
        using var weights = new ResidentWeights(TensorMemory.Of<float>(w), 4 * n, n, ResidentWeights.Consecutive(n));
        var (pdH, pdC, pc0, pg, pc, pdG, pCarry, pdh) = ((nint)TensorMemory.Address(dh), (nint)TensorMemory.Address(dc), (nint)TensorMemory.Address(cc),
            (nint)TensorMemory.Address(gates), (nint)TensorMemory.Address(cells), (nint)TensorMemory.Address(gradA), (nint)TensorMemory.Address(carry),
            (nint)TensorMemory.Address(dhStep));
        StepTeam.Run(workers, steps, (worker, s) =>
        {
            int t = steps - 1 - s;
            bool last = t == steps - 1;
            var (first, count) = ResidentWeights.Share(blocks, worker, workers);
            int unit = first * Width, units = count * Width;
            float* d = (float*)pdh, dG = (float*)pdG, gt = (float*)pg + (long)t * 4 * stride;
            // dh_t = dL/dh_t + dG_{t+1} Uᵀ (last only: no dL/dh_t before T, so the product is written, not added)
            if (!lastOnly || last)
            {
                float* source = (float*)pdH + (lastOnly ? 0 : (long)t * stride);
                for (int b = 0; b < batch; b++)
                    new ReadOnlySpan<float>(source + (long)b * n + unit, units).CopyTo(new Span<float>(d + (long)b * n + unit, units));
            }
            if (!last) weights.MultiplyInto(dG + (long)(t + 1) * 4 * stride, 4 * n, batch, d, n, first, count, accumulate: !lastOnly);
            float* cPrev = t == 0 ? (float*)pc0 : (float*)pc + (long)(t - 1) * stride;
            float* dcIn = (float*)pdC + (lastOnly ? 0 : (long)t * stride);
            for (int b = 0; b < batch; b++)
            {
                long row = (long)b * n + unit, gateRow = (long)b * 4 * n + unit;
                ref float gate = ref gt[gateRow];
                ref float gateNext = ref last ? ref gate : ref gt[4L * stride + gateRow];
                LstmKernel.Row(ref gate, ref gateNext, !last, ref ((float*)pc)[(long)t * stride + row], ref cPrev[row], ref d[row], ref dcIn[row],
                    ref ((float*)pCarry)[row], ref dG[(long)t * 4 * stride + gateRow], units, n);
            }
        });
        using (var f0 = gates[0].narrow(1, 0, n)) carry.mul_(f0);   // dL/dc0 = dc_0 ⊙ f_0
        return (gradA, carry);
    }
}
