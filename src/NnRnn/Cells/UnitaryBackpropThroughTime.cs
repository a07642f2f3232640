using NnRnn.Cells.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// EURNN's recurrence h_t = modReLU(a_t + h_{t−1} W) over a whole sequence as one autograd node,
/// in the real layout [Re | Im] of width 2N: W becomes [[Re W, Im W], [−Im W, Re W]] and the
/// complex modReLU acts on the pairs (Re z_j, Im z_j). Inputs: a [T, B, 2N], W [2N, 2N],
/// h0 [B, 2N], b [N]; output H [T, B, 2N] (exactly what the read-out sees).
/// </summary>
/// <remarks>
/// Per unit, with m = sqrt(|z|² + ε) and s = relu(m + b)/m (0 where z = 0): h = s z. Its Jacobian
/// is J = s I + κ z zᵀ with κ = −b/m³ where active (m + b &gt; 0, z ≠ 0), else J = 0; and ∂h/∂b = z/m
/// where active. The same function as <see cref="Nonlinearities.ComplexModReLU"/>.
/// </remarks>
internal sealed class UnitaryBackpropThroughTime : autograd.SingleTensorFunction<UnitaryBackpropThroughTime>
{
    public override string Name => "UnitaryBackpropThroughTime";

    public static Tensor Apply(Tensor projected, Tensor recurrent, Tensor h0, Tensor bias, double epsilon)
        => apply(projected, recurrent, h0, bias, epsilon);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (a, w, h0, b) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
        var epsilon = (double)vars[4];
        long steps = a.shape[0], batch = a.shape[1], n = b.shape[0];
        Tensor pre, hiddens;
        bool small = KernelSelection.UseSmallKernel(a, batch, 2 * n, 2 * n);
        ctx.save_data("small", small);
        if (small)
            (pre, hiddens) = UnitaryKernel.Forward(a, w, h0, b, epsilon);
        else
        using (var scope = NewDisposeScope())
        {
            using var wc = w.contiguous();
            var zs = new Tensor[steps];
            var hs = new Tensor[steps];
            var h = h0;
            for (long t = 0; t < steps; t++)
            {
                using var at = a[t];
                var z = zs[t] = addmm(at, h, wc, 1, 1);
                using var pairs = z.view(batch, 2, n);
                using var scale = Scale(pairs, b, epsilon);
                using var scaled = pairs * scale.unsqueeze(1);
                h = hs[t] = scaled.view(batch, 2 * n);
            }
            pre = stack(zs).MoveToOuterDisposeScope();
            hiddens = stack(hs).MoveToOuterDisposeScope();
        }
        ctx.save_for_backward(new List<Tensor> { w, h0, b, pre, hiddens });
        ctx.save_data("epsilon", epsilon);
        return hiddens;
    }

    /// <summary>s = relu(m + b)/m with m = sqrt(|z|² + ε), and 0 where z = 0; pairs [.., 2, N] → [.., N].</summary>
    private static Tensor Scale(Tensor pairs, Tensor b, double epsilon)
    {
        var squared = pairs.square().sum(-2, false);
        var m = (squared + epsilon).sqrt_();
        return (m + b).relu_().div_(m).masked_fill_(squared.eq(0), 0);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradHiddens)
    {
        var saved = ctx.get_saved_variables();
        var (w, h0, b, pre, hiddens) = (saved[0], saved[1], saved[2], saved[3], saved[4]);
        double epsilon = (double)ctx.get_data("epsilon");
        long steps = pre.shape[0], batch = pre.shape[1], n = b.shape[0];
        Tensor gradA, gradW, gradH0, gradB;
        using (var scope = NewDisposeScope())
        {
            if ((bool)ctx.get_data("small"))
            {
                (gradA, gradB) = UnitaryKernel.Backward(gradHiddens, w, b, pre, epsilon);
                gradA.MoveToOuterDisposeScope();
                gradB.MoveToOuterDisposeScope();
                using var first = gradA[0];
                var hPrevAll = hiddens[..(int)(steps - 1)].reshape(-1, 2 * n);
                gradW = addmm(hPrevAll.t().mm(gradA[1..].reshape(-1, 2 * n)), h0.t(), first, 1, 1).MoveToOuterDisposeScope();
                gradH0 = first.mm(w.t()).MoveToOuterDisposeScope();
                return new List<Tensor> { gradA, gradW, gradH0, gradB, null! };
            }
            // The per-unit Jacobian coefficients of every step at once.
            var z = pre.view(steps, batch, 2, n);
            var squared = z.square().sum(-2, false);                              // [T, B, N]
            var m = (squared + epsilon).sqrt();
            var active = (m + b).gt(0).logical_and(squared.gt(0)).to_type(pre.dtype);
            var s = (m + b).relu() / m * active;
            var kappa = -b / (m * m * m) * active;                                 // J = s I + κ z zᵀ
            var lambda = active / m;                                               // ∂h/∂b = λ z
            var wt = w.t().contiguous();
            var dzs = new Tensor[steps];
            var dots = new Tensor[steps];
            Tensor? dzNext = null;
            for (long t = steps - 1; t >= 0; t--)
            {
                using var g = gradHiddens[t];
                using var dh = dzNext is null ? g.clone() : addmm(g, dzNext, wt, 1, 1);
                using var pairs = dh.view(batch, 2, n);
                using var zt = z[t];
                using var st = s[t];
                using var kt = kappa[t];
                var dot = dots[t] = (zt * pairs).sum(1, false);                    // z · dh per unit
                using var radial = zt * (kt * dot).unsqueeze(1);
                dzNext = dzs[t] = (pairs * st.unsqueeze(1)).add_(radial).view(batch, 2 * n);
            }
            gradA = stack(dzs).MoveToOuterDisposeScope();
            var hPrev = hiddens[..(int)(steps - 1)].reshape(-1, 2 * n);
            gradW = addmm(hPrev.t().mm(gradA[1..].reshape(-1, 2 * n)), h0.t(), dzs[0], 1, 1).MoveToOuterDisposeScope();
            gradH0 = dzs[0].mm(wt).MoveToOuterDisposeScope();
            gradB = (stack(dots) * lambda).reshape(-1, n).sum(0, false).MoveToOuterDisposeScope();
        }
        return new List<Tensor> { gradA, gradW, gradH0, gradB, null! };
    }
}
