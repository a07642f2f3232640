using NnRnn.Cells.Kernels;
using NnRnn.Nonlinearities;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// h_t = σ(a_t + h_{t−1} W) over a whole sequence as a single autograd node, with the backward
/// through time written by hand: one matmul per step each way, and dL/dW as one matmul over all
/// steps. a = the input projection [T, B, N] (already including any bias), W [N, N], h0 [B, N],
/// b the activation's bias (modReLU) or null. Returns H [T, B, N]; only H is kept for backward,
/// since σ' is computed from σ's output.
/// </summary>
internal sealed class ElmanBackpropThroughTime : autograd.SingleTensorFunction<ElmanBackpropThroughTime>
{
    public override string Name => "ElmanBackpropThroughTime";

    public static Tensor Apply(Tensor projected, Tensor recurrent, Tensor h0, Tensor? bias, Nonlinearity sigma)
        => apply(projected, recurrent, h0, bias!, sigma);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var a = (Tensor)vars[0];
        var w = (Tensor)vars[1];
        var h0 = (Tensor)vars[2];
        var sigma = (Nonlinearity)vars[4];
        long steps = a.shape[0];
        bool small = KernelSelection.UseSmallKernel(a, a.shape[1], w.shape[0], w.shape[1]);
        ctx.save_data("small", small);
        Tensor hiddens;
        if (small)
            hiddens = ElmanKernel.Forward(a, w, h0, (Tensor?)vars[3], sigma.Kind);
        else
        using (var scope = NewDisposeScope())
        {
            var hs = new Tensor[steps];
            var h = h0;
            using var wc = w.contiguous();   // e.g. RNN's Vᵀ is a transposed view: BLAS is faster on a dense copy
            for (long t = 0; t < steps; t++)
            {
                using var at = a[t];
                h = hs[t] = sigma.ForwardInPlace(addmm(at, h, wc, 1, 1));
            }
            hiddens = stack(hs).MoveToOuterDisposeScope();
        }
        ctx.save_for_backward(new List<Tensor> { w, h0, hiddens });
        ctx.save_data("sigma", sigma);
        return hiddens;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradHiddens)
    {
        var saved = ctx.get_saved_variables();
        var (w, h0, hiddens) = (saved[0], saved[1], saved[2]);
        var sigma = (Nonlinearity)ctx.get_data("sigma");
        long steps = hiddens.shape[0], n = hiddens.shape[2];
        Tensor gradA, gradW, gradH0;
        Tensor? gradBias;
        using (var scope = NewDisposeScope())
        {
            if ((bool)ctx.get_data("small"))
            {
                (gradA, gradBias) = ElmanKernel.Backward(gradHiddens, w, hiddens, sigma.Kind);
                gradA.MoveToOuterDisposeScope();
                gradBias?.MoveToOuterDisposeScope();
                using var first = gradA[0];
                var hPrevAll = hiddens[..(int)(steps - 1)].reshape(-1, n);
                gradW = addmm(hPrevAll.t().mm(gradA[1..].reshape(-1, n)), h0.t(), first, 1, 1).MoveToOuterDisposeScope();
                gradH0 = first.mm(w.t()).MoveToOuterDisposeScope();
                return new List<Tensor> { gradA, gradW, gradH0, gradBias!, null! };
            }
            var derivative = sigma.Derivative(hiddens);
            var wt = w.t().contiguous();
            var dzs = new Tensor[steps];
            Tensor? dzNext = null;
            for (long t = steps - 1; t >= 0; t--)
            {
                // dh_t = dL/dh_t (direct) + dz_{t+1} Wᵀ;  dz_t = dh_t ⊙ σ'(z_t)
                using var g = gradHiddens[t];
                using var d = derivative[t];
                dzNext = dzs[t] = dzNext is null ? g * d : addmm(g, dzNext, wt, 1, 1).mul_(d);
            }
            gradA = stack(dzs).MoveToOuterDisposeScope();
            // dL/dW = Σ_t h_{t−1}ᵀ dz_t, split so that no shifted copy of H is made
            var hPrev = hiddens[..(int)(steps - 1)].reshape(-1, n);
            var dzLater = gradA[1..].reshape(-1, n);
            gradW = addmm(hPrev.t().mm(dzLater), h0.t(), dzs[0], 1, 1).MoveToOuterDisposeScope();
            gradH0 = dzs[0].mm(wt).MoveToOuterDisposeScope();
            gradBias = sigma.BiasGradient(hiddens, gradA)?.MoveToOuterDisposeScope();
        }
        return new List<Tensor> { gradA, gradW, gradH0, gradBias!, null! };
    }
}
