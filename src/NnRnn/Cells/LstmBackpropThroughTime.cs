using NnRnn.Cells.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// The LSTM over a whole sequence as one autograd node with a hand-written backward through
/// time. Inputs: a = x W_xᵀ + b for all steps [T, B, 4N] (gate order f, i, o, g), U = W_hᵀ
/// [N, 4N], h0, c0 [B, N]. Outputs: H and C [T, B, N]. Per step: gates = a_t + h U;
/// c = σ(f) c + σ(i) tanh(g); h = σ(o) tanh(c).
/// </summary>
internal sealed class LstmBackpropThroughTime : autograd.MultiTensorFunction<LstmBackpropThroughTime>
{
    public override string Name => "LstmBackpropThroughTime";

    public static (Tensor H, Tensor C) Apply(Tensor projected, Tensor recurrentT, Tensor h0, Tensor c0)
    {
        var outputs = apply(projected, recurrentT, h0, c0);
        return (outputs[0], outputs[1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (a, u, h0, c0) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
        long steps = a.shape[0], n = h0.shape[1];
        Tensor gates, hiddens, cells;
        bool small = KernelSelection.UseSmallKernel(a, h0.shape[0], n, 4 * n);
        ctx.save_data("small", small);
        if (small)
            (gates, hiddens, cells) = LstmKernel.Forward(a, u, h0, c0);
        else
        using (var scope = NewDisposeScope())
        {
            using var uc = u.contiguous();
            using var one = 1.0.ToScalar();
            var gs = new Tensor[steps];
            var hs = new Tensor[steps];
            var cs = new Tensor[steps];
            Tensor h = h0, c = c0;
            for (long t = 0; t < steps; t++)
            {
                using var at = a[t];
                var g = gs[t] = addmm(at, h, uc, 1, 1);
                using (var sig = g.narrow(1, 0, 3 * n)) sig.sigmoid_();
                using (var cand = g.narrow(1, 3 * n, n)) cand.tanh_();
                using var f = g.narrow(1, 0, n);
                using var i = g.narrow(1, n, n);
                using var o = g.narrow(1, 2 * n, n);
                using var gg = g.narrow(1, 3 * n, n);
                c = cs[t] = addcmul(f * c, i, gg, one);
                using var tc = c.tanh();
                h = hs[t] = o * tc;
            }
            gates = stack(gs).MoveToOuterDisposeScope();
            hiddens = stack(hs).MoveToOuterDisposeScope();
            cells = stack(cs).MoveToOuterDisposeScope();
        }
        ctx.save_for_backward(new List<Tensor> { u, h0, c0, gates, hiddens, cells });
        return new List<Tensor> { hiddens, cells };
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        var saved = ctx.get_saved_variables();
        var (u, h0, c0, gates, hiddens, cells) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5]);
        var (dH, dC) = (grads[0], grads[1]);
        long steps = gates.shape[0], n = h0.shape[1];
        Tensor gradA, gradU, gradH0, gradC0;
        using (var scope = NewDisposeScope())
        {
            if ((bool)ctx.get_data("small"))
            {
                (gradA, gradC0) = LstmKernel.Backward(dH, dC, u, c0, gates, cells);
                gradA.MoveToOuterDisposeScope();
                gradC0.MoveToOuterDisposeScope();
                using var first = gradA[0];
                var hPrevAll = hiddens[..(int)(steps - 1)].reshape(-1, n);
                gradU = addmm(hPrevAll.t().mm(gradA[1..].reshape(-1, 4 * n)), h0.t(), first, 1, 1).MoveToOuterDisposeScope();
                gradH0 = first.mm(u.t()).MoveToOuterDisposeScope();
                return new List<Tensor> { gradA, gradU, gradH0, gradC0 };
            }
            var parts = gates.chunk(4, 2);
            var (f, i, o, g) = (parts[0], parts[1], parts[2], parts[3]);
            var tc = cells.tanh();
            var cPrev = cat(new[] { c0.unsqueeze(0), cells[..(int)(steps - 1)] }, 0);
            // what does not depend on the recursion, for all steps at once
            var dcFromH = o * (1 - tc * tc);                                      // ∂c-path of dh
            var local = cat(new[] { cPrev * f * (1 - f), g * i * (1 - i), tc * o * (1 - o), i * (1 - g * g) }, 2);
            var w = u.t().contiguous();                                           // [4N, N]
            using var one = 1.0.ToScalar();
            var dGs = new Tensor[steps];
            Tensor? dGNext = null, dcNext = null;
            for (long t = steps - 1; t >= 0; t--)
            {
                using var dht = dH[t];
                using var dct = dC[t];
                using var at = dcFromH[t];
                using var dh = dGNext is null ? dht.clone() : addmm(dht, dGNext, w, 1, 1);
                var dc = addcmul(dct, dh, at, one);
                if (dcNext is not null)
                {
                    using var fNext = f[t + 1];
                    dc.addcmul_(dcNext, fNext, one);
                }
                using var lt = local[t];
                var both = cat(new[] { dc, dc, dh, dc }, 1);
                dGNext = dGs[t] = both.mul_(lt);
                dcNext = dc;
            }
            gradA = stack(dGs).MoveToOuterDisposeScope();
            var hPrev = hiddens[..(int)(steps - 1)].reshape(-1, n);
            gradU = addmm(hPrev.t().mm(gradA[1..].reshape(-1, 4 * n)), h0.t(), dGs[0], 1, 1).MoveToOuterDisposeScope();
            gradH0 = dGs[0].mm(w).MoveToOuterDisposeScope();
            using var f0 = f[0];
            gradC0 = (dcNext! * f0).MoveToOuterDisposeScope();
        }
        return new List<Tensor> { gradA, gradU, gradH0, gradC0 };
    }
}
