using NnRnn.Blas;
using NnRnn.Devices;
using NnRnn.Nonlinearities;
using static TorchSharp.torch;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// <see cref="ElmanBackpropThroughTime"/>'s loops with W resident per core (issue 13, psMNIST-sized
/// recurrences): each worker of a <see cref="StepTeam"/> owns a block of hidden units, computes
/// h_t = σ(a_t + h_{t−1} W) for them from all of h_{t−1}, and backward dz_t = (dL/dh_t + dz_{t+1} Wᵀ) ⊙ σ'(z_t)
/// likewise, so the activations run in parallel too. Float32 on the CPU.
/// </summary>
internal static unsafe class ResidentElmanKernel
{
    /// <summary>H [T, B, N] from a [T, B, N], W [N, N], h0 [B, N] and modReLU's b (or null), on <paramref name="workers"/> threads.</summary>
    public static Tensor Forward(Tensor a, Tensor w, Tensor h0, Tensor? bias, Activation kind, int workers)
    {
        var hiddens = TensorMemoryPool.Empty(a.shape, a.dtype, a.device);
        hiddens.copy_(a);
        using var wc = w.detach().contiguous();
        using var hc = h0.detach().contiguous();
        using var bc = bias?.detach().contiguous();
        int steps = (int)a.shape[0], batch = (int)a.shape[1], n = (int)a.shape[2];
        using var weights = new ResidentWeights(TensorMemory.Of<float>(wc), n, n, ResidentWeights.Consecutive(n));
        var (h, start) = ((nint)TensorMemory.Address(hiddens), (nint)TensorMemory.Address(hc));
        var b = bc is null ? null : TensorMemory.Of<float>(bc).ToArray();
        int stride = batch * n;
        StepTeam.Run(workers, steps, (worker, t) =>
        {
            var (first, count) = ResidentWeights.Share(weights.Panels, worker, workers);
            int column = first * ResidentWeights.PanelWidth, width = count * ResidentWeights.PanelWidth;
            float* ht = (float*)h + (long)t * stride;
            float* previous = t == 0 ? (float*)start : ht - stride;
            weights.MultiplyInto(previous, n, batch, ht, n, first, count, accumulate: true);
            var unitBias = b is null ? default : new ReadOnlySpan<float>(b, column, width);
            for (int row = 0; row < batch; row++)
                PointwiseActivation.Forward(kind, new Span<float>(ht + (long)row * n + column, width), unitBias, width);
        });
        return hiddens;
    }

    /// <summary>
    /// dz in place in <paramref name="gradA"/> [T, B, N] from Wᵀ (<paramref name="wt"/>, contiguous), which holds dL/dH on entry (only its last step
    /// when <paramref name="lastOnly"/>: the earlier ones are then written, not added to); modReLU's
    /// dL/db is added to <paramref name="biasSums"/> [N] (else empty). Returns dL/dW = Σ_t h_{t−1}ᵀ dz_t
    /// [N, N], summed by each worker for its columns at each step (<see cref="GradientAccumulation"/>).
    /// </summary>
    public static Tensor Backward(Tensor gradA, Tensor wt, Tensor hiddens, Tensor h0, Activation kind, double[] biasSums, bool lastOnly, int workers)
    {
        using var hc = hiddens.contiguous();
        using var start = h0.detach().contiguous();
        int steps = (int)hc.shape[0], batch = (int)hc.shape[1], n = (int)hc.shape[2];
        using var weights = new ResidentWeights(TensorMemory.Of<float>(wt), n, n, ResidentWeights.Consecutive(n));
        var gradW = zeros(n, n, ScalarType.Float32, wt.device);
        var (dz, h, h0p, dw) = ((nint)TensorMemory.Address(gradA), (nint)TensorMemory.Address(hc), (nint)TensorMemory.Address(start),
            (nint)TensorMemory.Address(gradW));
        int stride = batch * n;
        var stepSums = Enumerable.Range(0, workers).Select(_ => new float[n]).ToArray();   // modReLU's dL/db of one step, per worker
        StepTeam.Run(workers, steps, (worker, s) =>
        {
            int t = steps - 1 - s;
            var (first, count) = ResidentWeights.Share(weights.Panels, worker, workers);
            int column = first * ResidentWeights.PanelWidth, width = count * ResidentWeights.PanelWidth;
            float* d = (float*)dz + (long)t * stride;
            float* ht = (float*)h + (long)t * stride;
            if (t < steps - 1) weights.MultiplyInto(d + stride, n, batch, d, n, first, count, accumulate: !lastOnly);
            if (kind == Activation.ModRelu) ModReluRows(d, ht, n, batch, column, width, stepSums[worker], biasSums);
            else
                for (int row = 0; row < batch; row++)
                    PointwiseActivation.Backward(kind, new Span<float>(d + (long)row * n + column, width),
                        new ReadOnlySpan<float>(ht + (long)row * n + column, width), default, width);
            float* previous = t == 0 ? (float*)h0p : ht - stride;
            for (int p = first; p < first + count; p++)
                GradientAccumulation.AddTransposedProduct(previous, n, batch, d, n, (float*)dw, n, n, p * ResidentWeights.PanelWidth);
        });
        return gradW;
    }

    // modReLU: one step's dL/db summed over the rows in float, then added to the double totals.
    private static void ModReluRows(float* d, float* h, int n, int batch, int column, int width, float[] stepSums, double[] biasSums)
    {
        var sums = stepSums.AsSpan(0, width);
        sums.Clear();
        for (int row = 0; row < batch; row++)
            PointwiseActivation.ModReluBackward(new Span<float>(d + (long)row * n + column, width), new ReadOnlySpan<float>(h + (long)row * n + column, width), sums, width);
        for (int j = 0; j < width; j++) biasSums[column + j] += sums[j];
    }
}
