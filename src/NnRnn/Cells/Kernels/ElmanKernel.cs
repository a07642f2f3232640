using System.Runtime.CompilerServices;
using System.Numerics;
using NnRnn.Nonlinearities;
using static TorchSharp.torch;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// The loops of <see cref="ElmanBackpropThroughTime"/> in C# over tensor memory, for shapes where
/// libtorch's per-call cost outweighs a step's arithmetic (see <see cref="KernelSelection"/>):
/// h_t = σ(a_t + h_{t−1} W) forward, and dz_t = (dL/dh_t + dz_{t+1} Wᵀ) ⊙ σ'(z_t) backward.
/// </summary>
internal static class ElmanKernel
{
    /// <summary>H [T, B, N] from a [T, B, N], W [N, N], h0 [B, N] and modReLU's b (or null).</summary>
    public static Tensor Forward(Tensor a, Tensor w, Tensor h0, Tensor? bias, Activation kind)
    {
        using var ac = a.contiguous();
        using var wc = w.contiguous();
        using var hc = h0.contiguous();
        using var bc = bias?.contiguous();
        var hiddens = ac.clone();
        int steps = (int)a.shape[0], batch = (int)a.shape[1], n = (int)a.shape[2];
        if (a.dtype == ScalarType.Float64)
            Forward<double>(TensorMemory.Of<double>(wc), TensorMemory.Of<double>(hc), bc is null ? default : TensorMemory.Of<double>(bc),
                kind, TensorMemory.Of<double>(hiddens), steps, batch, n);
        else
            Forward<float>(TensorMemory.Of<float>(wc), TensorMemory.Of<float>(hc), bc is null ? default : TensorMemory.Of<float>(bc),
                kind, TensorMemory.Of<float>(hiddens), steps, batch, n);
        return hiddens;
    }

    /// <summary>dL/da [T, B, N] and, for modReLU, dL/db [N], from dL/dH, W and the saved H.</summary>
    public static (Tensor GradA, Tensor? GradBias) Backward(Tensor gradHiddens, Tensor w, Tensor hiddens, Activation kind)
    {
        using var wt = w.t().contiguous();
        using var hc = hiddens.contiguous();
        var dz = gradHiddens.contiguous().clone();
        int steps = (int)hc.shape[0], batch = (int)hc.shape[1], n = (int)hc.shape[2];
        var biasGradient = new double[kind == Activation.ModRelu ? n : 0];
        if (hc.dtype == ScalarType.Float64)
            Backward<double>(TensorMemory.Of<double>(wt), TensorMemory.Of<double>(hc), kind, TensorMemory.Of<double>(dz), biasGradient, steps, batch, n);
        else
            Backward<float>(TensorMemory.Of<float>(wt), TensorMemory.Of<float>(hc), kind, TensorMemory.Of<float>(dz), biasGradient, steps, batch, n);
        var gradBias = kind == Activation.ModRelu ? tensor(biasGradient).to_type(hc.dtype) : null;
        return (dz, gradBias);
    }

    // hiddens holds a on entry and H on exit.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // a kernel: jit it optimised from its first call
    private static void Forward<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> h0, ReadOnlySpan<T> bias, Activation kind,
        Span<T> hiddens, int steps, int batch, int n) where T : unmanaged, INumber<T>
    {
        int stride = batch * n;
        for (int t = 0; t < steps; t++)
        {
            var h = hiddens.Slice(t * stride, stride);
            ReadOnlySpan<T> previous = t == 0 ? h0 : hiddens.Slice((t - 1) * stride, stride);
            SmallMatmul.MultiplyAdd(previous, w, h, batch, n, n);
            PointwiseActivation.Forward(kind, h, bias, n);
        }
    }

    // dz holds dL/dH on entry and dL/dz (= dL/da) on exit; wt = Wᵀ.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // a kernel: jit it optimised from its first call
    private static void Backward<T>(ReadOnlySpan<T> wt, ReadOnlySpan<T> hiddens, Activation kind, Span<T> dz,
        Span<double> biasGradient, int steps, int batch, int n) where T : unmanaged, INumber<T>
    {
        int stride = batch * n;
        for (int t = steps - 1; t >= 0; t--)
        {
            var d = dz.Slice(t * stride, stride);
            if (t + 1 < steps) SmallMatmul.MultiplyAdd(dz.Slice((t + 1) * stride, stride), wt, d, batch, n, n);
            PointwiseActivation.Backward(kind, d, hiddens.Slice(t * stride, stride), biasGradient, n);
        }
    }
}
