using NnRnn.Devices;
using NnRnn.Cells.Kernels;
using NnRnn.Blas;
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
        => apply(projected, recurrent, h0, bias!, sigma, false);

    /// <summary>
    /// As <see cref="Apply"/>, returning h_T [B, N] only: backward then starts from dL/dh_T alone
    /// instead of a dense [T, B, N] gradient that is zero but for its last step (sequence classification).
    /// </summary>
    public static Tensor ApplyLast(Tensor projected, Tensor recurrent, Tensor h0, Tensor? bias, Nonlinearity sigma)
        => apply(projected, recurrent, h0, bias!, sigma, true);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var a = (Tensor)vars[0];
        var w = (Tensor)vars[1];
        var h0 = (Tensor)vars[2];
        var sigma = (Nonlinearity)vars[4];
        bool small = KernelSelection.UseSmallKernel(a, a.shape[1], w.shape[0], w.shape[1]);
        // large CPU shapes: the step products through the BLAS, σ and σ' in the kernels
        bool kernel = !small && HasKernel(sigma) && KernelSelection.UseElementwiseKernel(a);
        // and where measured faster, with W resident per core for the whole sequence
        bool resident = kernel && ResidentSelection.Use(a, a.shape[1], w.shape[0], w.shape[1]);
        ctx.save_data("small", small);
        ctx.save_data("kernel", kernel);
        ctx.save_data("resident", resident);
        int workers = ResidentSelection.Workers(w.shape[1]);   // saved: backward may run under another thread count
        ctx.save_data("workers", workers);
        var hiddens = small ? ElmanKernel.Forward(a, w, h0, (Tensor?)vars[3], sigma.Kind)
            : resident ? ResidentElmanKernel.Forward(a, w, h0, (Tensor?)vars[3], sigma.Kind, workers)
            : ForwardLarge(a, w, h0, (Tensor?)vars[3], sigma, kernel);
        bool lastOnly = (bool)vars[5];
        ctx.save_for_backward(new List<Tensor> { w, h0, hiddens });
        ctx.save_data("sigma", sigma);
        ctx.save_data("lastOnly", lastOnly);
        if (!lastOnly) return hiddens;
        using var last = hiddens[-1];
        return last.clone();
    }

    /// <summary>
    /// H starts as a copy of the projected inputs; each step adds h_{t−1} W into its row in place
    /// (β = 1) and applies σ in place, so no per-step tensors are stacked afterwards. On the CPU σ
    /// runs in the C# kernel over the step's rows (one pass instead of a libtorch call per operation).
    /// </summary>
    private static Tensor ForwardLarge(Tensor a, Tensor w, Tensor h0, Tensor? bias, Nonlinearity sigma, bool kernel)
    {
        var hiddens = TensorMemoryPool.Empty(a.shape, a.dtype, a.device);
        hiddens.copy_(a);
        using var wc = w.contiguous();   // e.g. RNN's Vᵀ is a transposed view: BLAS is faster on a dense copy
        using var b = kernel ? bias?.detach().contiguous() : null;
        using var handOff = Gemm.HandOffThreads(hiddens[0], h0, wc);
        for (long t = 0; t < a.shape[0]; t++)
        {
            using var scope = NewDisposeScope();
            var ht = hiddens[t];
            Gemm.MultiplyInto(ht, t == 0 ? h0 : hiddens[t - 1], wc);
            if (kernel) ActivateRows(sigma.Kind, ht, b);
            else sigma.ForwardInPlace(ht);
        }
        return hiddens;
    }

    /// <summary>The real activations the kernels have (EURNN's complex modReLU is not an Elman σ).</summary>
    private static bool HasKernel(Nonlinearity sigma)
        => sigma.Kind is Activation.None or Activation.Relu or Activation.ModRelu or Activation.Tanh or Activation.Sigmoid;

    private static void ActivateRows(Activation kind, Tensor rows, Tensor? bias)
    {
        int n = (int)rows.shape[^1];
        if (rows.dtype == ScalarType.Float64)
            PointwiseActivation.Forward(kind, TensorMemory.Of<double>(rows), bias is null ? default : TensorMemory.Of<double>(bias), n);
        else
            PointwiseActivation.Forward(kind, TensorMemory.Of<float>(rows), bias is null ? default : TensorMemory.Of<float>(bias), n);
    }

    private static void DifferentiateRows(Activation kind, Tensor dz, Tensor h, double[] biasGradient)
    {
        int n = (int)dz.shape[^1];
        if (dz.dtype == ScalarType.Float64)
            PointwiseActivation.Backward(kind, TensorMemory.Of<double>(dz), TensorMemory.Of<double>(h), biasGradient, n);
        else
            PointwiseActivation.Backward(kind, TensorMemory.Of<float>(dz), TensorMemory.Of<float>(h), biasGradient, n);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradHiddens)
    {
        var saved = ctx.get_saved_variables();
        var (w, h0, hiddens) = (saved[0], saved[1], saved[2]);
        var sigma = (Nonlinearity)ctx.get_data("sigma");
        long steps = hiddens.shape[0], n = hiddens.shape[2];
        bool lastOnly = (bool)ctx.get_data("lastOnly");
        Tensor gradA, gradW, gradH0;
        Tensor? gradBias;
        if ((bool)ctx.get_data("small"))
        {
            using var scope = NewDisposeScope();
            if (lastOnly)
            {
                // small shapes: the dense gradient is cheap, and the kernel's rounding stays the same
                var dense = zeros_like(hiddens);
                dense[-1] = gradHiddens;
                gradHiddens = dense;
            }
            (gradA, gradBias) = ElmanKernel.Backward(gradHiddens, w, hiddens, sigma.Kind);
            gradA.MoveToOuterDisposeScope();
            gradBias?.MoveToOuterDisposeScope();
            using var first = gradA[0];
            var hPrevAll = hiddens[..(int)(steps - 1)].reshape(-1, n);
            gradW = addmm(hPrevAll.t().mm(gradA[1..].reshape(-1, n)), h0.t(), first, 1, 1).MoveToOuterDisposeScope();
            gradH0 = first.mm(w.t()).MoveToOuterDisposeScope();
            return new List<Tensor> { gradA, gradW, gradH0, gradBias!, null!, null! };
        }
        // dz is built in place in one [T, B, N] buffer (a copy of dL/dH): dz_t = (dL/dh_t + dz_{t+1} Wᵀ) ⊙ σ'(z_t),
        // with σ' taken per step from h_t, so no [T, B, N] derivative tensor is kept.
        gradA = TensorMemoryPool.Empty(hiddens.shape, hiddens.dtype, hiddens.device);
        if (lastOnly)
            using (var last = gradA[-1]) last.copy_(gradHiddens);   // the earlier rows are written by their products (β = 0) below
        else
            gradA.copy_(gradHiddens);
        using (var scope = NewDisposeScope())
        {
            var wt = w.t().contiguous();
            bool resident = (bool)ctx.get_data("resident");
            using var handOff = resident ? null : Gemm.HandOffThreads(gradA[0], gradA[0], wt);
            // modReLU's dL/db: with the kernel, summed in double over every row step by step (as the
            // small-shape kernel); else per step where H is large (no two [T, B, N] temporaries), and
            // one reduction over H where it is small (the rounding of earlier versions).
            bool kernel = (bool)ctx.get_data("kernel");
            var biasSums = kernel && sigma.Bias is not null ? new double[n] : null;
            bool biasPerStep = !kernel && sigma.Bias is not null && hiddens.numel() > 1 << 22;
            gradBias = biasPerStep ? zeros(n, hiddens.dtype, hiddens.device).MoveToOuterDisposeScope() : null;
            Tensor? residentGradW = null;
            if (resident) residentGradW = ResidentElmanKernel.Backward(gradA, wt, hiddens, h0, sigma.Kind, biasSums ?? [], lastOnly, (int)ctx.get_data("workers"));
            else for (long t = steps - 1; t >= 0; t--)
            {
                using var step = NewDisposeScope();
                var dz = gradA[t];
                var ht = hiddens[t];
                if (t < steps - 1) Gemm.MultiplyInto(dz, gradA[t + 1], wt, beta: lastOnly ? 0 : 1);
                if (kernel)
                {
                    DifferentiateRows(sigma.Kind, dz, ht, biasSums ?? []);
                    continue;
                }
                dz.mul_(sigma.Derivative(ht));
                if (gradBias is not null) gradBias.add_(sigma.BiasGradient(ht, dz)!);   // per step: no [T, B, N] temporaries
            }
            handOff?.Dispose();
            // dL/dW = Σ_t h_{t−1}ᵀ dz_t as one [N, (T−1)·B] × [(T−1)·B, N] product plus h_0ᵀ dz_0
            var dz0 = gradA[0];
            if (residentGradW is not null) gradW = residentGradW.MoveToOuterDisposeScope();   // summed in the team, step by step
            else
            {
                gradW = zeros(n, n, w.dtype, w.device).MoveToOuterDisposeScope();
                if (steps > 1) Gemm.MultiplyInto(gradW, hiddens[..(int)(steps - 1)].reshape(-1, n).t(), gradA[1..].reshape(-1, n), beta: 0);
                Gemm.MultiplyInto(gradW, h0.t(), dz0);
            }
            gradH0 = dz0.mm(wt).MoveToOuterDisposeScope();
            if (biasSums is not null) gradBias = tensor(biasSums).to(hiddens.dtype, hiddens.device).MoveToOuterDisposeScope();
            else if (!biasPerStep) gradBias = sigma.BiasGradient(hiddens, gradA)?.MoveToOuterDisposeScope();
        }
        return new List<Tensor> { gradA, gradW, gradH0, gradBias!, null!, null! };
    }
}
