using NnRnn.Devices;
using NnRnn.Cells.Kernels;
using NnRnn.Blas;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// The LSTM over a whole sequence as one autograd node with a hand-written backward through
/// time. Inputs: a = x W_xᵀ + b for all steps [T, B, 4N] (gate order f, i, o, g), U = W_hᵀ
/// [N, 4N], h0, c0 [B, N]. Outputs: H and C [T, B, N]. Per step: gates = a_t + h U (one fused
/// gate product); c = σ(f) c + σ(i) tanh(g); h = σ(o) tanh(c).
/// </summary>
/// <remarks>
/// Memory (issue 13): the gates are activated in place in one [T, B, 4N] buffer that starts as a
/// copy of a, H and C are written in place, and backward builds dL/da in one [T, B, 4N] buffer
/// step by step from the saved gates; nothing else of size T is allocated.
/// </remarks>
internal sealed class LstmBackpropThroughTime : autograd.MultiTensorFunction<LstmBackpropThroughTime>
{
    public override string Name => "LstmBackpropThroughTime";

    /// <remarks>
    /// <paramref name="projectionIsScratch"/>: the caller made <paramref name="projected"/> for this call
    /// alone and reads it no more (nor does its own backward), so the resident path may activate the
    /// gates in its memory instead of a copy (psMNIST: 642 MB less to read and write per update).
    /// </remarks>
    public static (Tensor H, Tensor C) Apply(Tensor projected, Tensor recurrentT, Tensor h0, Tensor c0, bool projectionIsScratch = false)
    {
        var outputs = apply(projected, recurrentT, h0, c0, false, projectionIsScratch);
        return (outputs[0], outputs[1]);
    }

    /// <summary>
    /// h_T alone (sequence classification): backward starts from dL/dh_T, with no dense [T, B, N]
    /// zero gradients for H and C (on the kernel paths; elsewhere they are built here).
    /// </summary>
    public static Tensor ApplyLast(Tensor projected, Tensor recurrentT, Tensor h0, Tensor c0, bool projectionIsScratch = false)
        => apply(projected, recurrentT, h0, c0, true, projectionIsScratch)[0];

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (a, u, h0, c0) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
        long n = h0.shape[1];
        bool small = KernelSelection.UseSmallKernel(a, h0.shape[0], n, 4 * n);
        // Large CPU shapes: the gate products through the BLAS, the element-wise work in the kernel.
        bool blas = !small && KernelSelection.UseElementwiseKernel(a);
        // and where measured faster, with U resident per core for the whole sequence
        bool resident = blas && ResidentSelection.Use(a, h0.shape[0], n, 4 * n);
        int workers = ResidentSelection.Workers(n);   // saved: backward may run under another thread count
        ctx.save_data("small", small);
        ctx.save_data("blas", blas);
        ctx.save_data("resident", resident);
        ctx.save_data("workers", workers);
        var (gates, hiddens, cells) = resident ? ResidentLstmKernel.Forward(a, u, h0, c0, workers, inPlace: (bool)vars[5])
            : small || blas ? LstmKernel.Forward(a, u, h0, c0, blas) : ForwardLarge(a, u, h0, c0);
        ctx.save_for_backward(new List<Tensor> { u, h0, c0, gates, cells, hiddens });
        if ((bool)vars[4]) return new List<Tensor> { hiddens[-1].clone() };
        return new List<Tensor> { hiddens, cells };
    }

    /// <summary>Gates, H and C written in place, one [T, B, ·] buffer each; one fused gate product per step.</summary>
    private static (Tensor Gates, Tensor Hiddens, Tensor Cells) ForwardLarge(Tensor a, Tensor u, Tensor h0, Tensor c0)
    {
        long steps = a.shape[0], batch = a.shape[1], n = h0.shape[1];
        var gates = TensorMemoryPool.Empty(a.shape, a.dtype, a.device);
        gates.copy_(a);
        var hiddens = TensorMemoryPool.Empty(new[] { steps, batch, n }, a.dtype, a.device);
        var cells = TensorMemoryPool.Empty(new[] { steps, batch, n }, a.dtype, a.device);
        using var one = 1.0.ToScalar();
        using var uc = u.contiguous();
        using var handOff = Gemm.HandOffThreads(gates[0], h0, uc);
        for (long t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var g = gates[t];
            var (hPrev, cPrev) = t == 0 ? (h0, c0) : (hiddens[t - 1], cells[t - 1]);
            Gemm.MultiplyInto(g, hPrev, uc);
            g.narrow(1, 0, 3 * n).sigmoid_();
            g.narrow(1, 3 * n, n).tanh_();
            var c = cells[t];
            c.copy_(g.narrow(1, 0, n)).mul_(cPrev).addcmul_(g.narrow(1, n, n), g.narrow(1, 3 * n, n), one);
            hiddens[t].copy_(c).tanh_().mul_(g.narrow(1, 2 * n, n));
        }
        return (gates, hiddens, cells);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        var saved = ctx.get_saved_variables();
        var (u, h0, c0, gates, cells, hiddens) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5]);
        long steps = gates.shape[0], n = h0.shape[1];
        bool lastOnly = grads.Count == 1;
        Tensor gradU, gradH0, gradC0;
        bool blas = (bool)ctx.get_data("blas");
        if ((bool)ctx.get_data("small") || blas)
        {
            using var scope = NewDisposeScope();
            var (dA, dC0) = (bool)ctx.get_data("resident") ? ResidentBackward(grads, u, c0, gates, cells, (int)ctx.get_data("workers"))
                : lastOnly ? LstmKernel.BackwardFromLast(grads[0], u, c0, gates, cells, blas)
                : LstmKernel.Backward(grads[0], grads[1], u, c0, gates, cells, blas);
            dA.MoveToOuterDisposeScope();
            gradC0 = dC0.MoveToOuterDisposeScope();
            using var first = dA[0];
            // dL/dU is the update's one large product even on small shapes ([N, (T−1)·B] × [(T−1)·B, 4N]):
            // through Gemm, which picks the faster BLAS for its shape
            gradU = RecurrentGradient(hiddens, h0, dA).MoveToOuterDisposeScope();
            gradH0 = first.mm(u.t()).MoveToOuterDisposeScope();
            return new List<Tensor> { dA, gradU, gradH0, gradC0, null!, null! };
        }
        Tensor dH, dC;
        if (lastOnly)
        {
            dH = zeros_like(hiddens);
            dH[-1].copy_(grads[0]);
            dC = zeros_like(cells);
        }
        else (dH, dC) = (grads[0], grads[1]);
        var gradA = TensorMemoryPool.Empty(gates.shape, gates.dtype, gates.device);
        using (var scope = NewDisposeScope())
        {
            var w = u.t();                                                       // [4N, N]
            using var one = 1.0.ToScalar();
            var handOff = Gemm.HandOffThreads(dH[0], gradA[0], w);
            Tensor? dcNext = null;
            for (long t = steps - 1; t >= 0; t--)
            {
                using var step = NewDisposeScope();
                var gt = gates[t];
                var (f, i, o, g) = (gt.narrow(1, 0, n), gt.narrow(1, n, n), gt.narrow(1, 2 * n, n), gt.narrow(1, 3 * n, n));
                var cPrev = t == 0 ? c0 : cells[t - 1];
                var tc = cells[t].tanh();
                // dh = dL/dh_t + dG_{t+1} Wᵀ;  dc = dL/dc_t + dh ⊙ o ⊙ (1 − tanh²c) + dc_{t+1} ⊙ f_{t+1}
                var dh = dH[t].clone();
                if (t < steps - 1) Gemm.MultiplyInto(dh, gradA[t + 1], w);
                var dc = tc.square().neg_().add_(1).mul_(o).mul_(dh).add_(dC[t]);
                if (dcNext is not null) dc.addcmul_(dcNext, gates[t + 1].narrow(1, 0, n), one);
                // dG = [dc ⊙ c_{t−1} ⊙ f(1−f), dc ⊙ g ⊙ i(1−i), dh ⊙ tanh c ⊙ o(1−o), dc ⊙ i ⊙ (1−g²)]
                var da = gradA[t];
                da.narrow(1, 0, n).copy_(f).neg_().add_(1).mul_(f).mul_(cPrev).mul_(dc);
                da.narrow(1, n, n).copy_(i).neg_().add_(1).mul_(i).mul_(g).mul_(dc);
                da.narrow(1, 2 * n, n).copy_(o).neg_().add_(1).mul_(o).mul_(tc).mul_(dh);
                da.narrow(1, 3 * n, n).copy_(g).mul_(g).neg_().add_(1).mul_(i).mul_(dc);
                dcNext?.Dispose();
                dcNext = dc.MoveToOuterDisposeScope();
            }
            handOff.Dispose();
            var dg0 = gradA[0];
            gradU = RecurrentGradient(hiddens, h0, gradA).MoveToOuterDisposeScope();
            gradH0 = dg0.mm(w).MoveToOuterDisposeScope();
            gradC0 = (dcNext! * gates[0].narrow(1, 0, n)).MoveToOuterDisposeScope();
        }
        return new List<Tensor> { gradA, gradU, gradH0, gradC0, null!, null! };
    }

    private static (Tensor GradA, Tensor GradC0) ResidentBackward(List<Tensor> grads, Tensor u, Tensor c0, Tensor gates, Tensor cells, int workers)
    {
        if (grads.Count == 2) return ResidentLstmKernel.Backward(grads[0], grads[1], u, c0, gates, cells, lastOnly: false, workers);
        using var noCellGradient = zeros_like(c0);         // one row of dL/dc_t = 0, read at every step
        return ResidentLstmKernel.Backward(grads[0], noCellGradient, u, c0, gates, cells, lastOnly: true, workers);
    }

    /// <summary>dL/dU = Σ_t h_{t−1}ᵀ dG_t as one [N, (T−1)·B] × [(T−1)·B, 4N] product through <see cref="Gemm"/> plus h_0ᵀ dG_0.</summary>
    private static Tensor RecurrentGradient(Tensor hiddens, Tensor h0, Tensor gradA)
    {
        long steps = gradA.shape[0], n = h0.shape[1];
        var gradU = zeros(n, 4 * n, gradA.dtype, gradA.device);
        if (steps > 1) Gemm.MultiplyInto(gradU, hiddens[..(int)(steps - 1)].reshape(-1, n).t(), gradA[1..].reshape(-1, 4 * n), beta: 0);
        using var first = gradA[0];
        Gemm.MultiplyInto(gradU, h0.t(), first);
        return gradU;
    }
}
