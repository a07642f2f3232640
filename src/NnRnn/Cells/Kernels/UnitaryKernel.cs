using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// The loops of <see cref="UnitaryBackpropThroughTime"/> (EURNN, real layout [Re | Im] of width 2N)
/// in C# over tensor memory (small shapes, see <see cref="KernelSelection"/>): z_t = a_t + h_{t−1} W,
/// h = s z per unit with s = relu(m + b)/m, m = sqrt(|z|² + ε) (0 where z = 0), and its backward
/// with the Jacobian s I + κ z zᵀ, κ = −b/m³, dL/db = Σ (z · dh)/m, where active.
/// </summary>
internal static class UnitaryKernel
{
    /// <summary>The pre-activations Z and the states H [T, B, 2N].</summary>
    public static (Tensor Pre, Tensor H) Forward(Tensor a, Tensor w, Tensor h0, Tensor bias, double epsilon)
    {
        using var wc = w.contiguous();
        using var hc = h0.contiguous();
        using var bc = bias.contiguous();
        var pre = a.contiguous().clone();
        var hiddens = empty_like(pre);
        int steps = (int)a.shape[0], batch = (int)a.shape[1], n = (int)bias.shape[0];
        if (a.dtype == ScalarType.Float64)
            Forward(TensorMemory.Of<double>(wc), TensorMemory.Of<double>(hc), TensorMemory.Of<double>(bc), epsilon,
                TensorMemory.Of<double>(pre), TensorMemory.Of<double>(hiddens), steps, batch, n);
        else
            Forward(TensorMemory.Of<float>(wc), TensorMemory.Of<float>(hc), TensorMemory.Of<float>(bc), (float)epsilon,
                TensorMemory.Of<float>(pre), TensorMemory.Of<float>(hiddens), steps, batch, n);
        return (pre, hiddens);
    }

    /// <summary>dL/da [T, B, 2N] and dL/db [N] from dL/dH, W, b and the saved pre-activations.</summary>
    public static (Tensor GradA, Tensor GradBias) Backward(Tensor gradHiddens, Tensor w, Tensor bias, Tensor pre, double epsilon)
    {
        using var wt = w.t().contiguous();
        using var bc = bias.contiguous();
        using var zc = pre.contiguous();
        var dz = gradHiddens.contiguous().clone();
        int steps = (int)pre.shape[0], batch = (int)pre.shape[1], n = (int)bias.shape[0];
        var gradBias = new double[n];
        if (pre.dtype == ScalarType.Float64)
            Backward(TensorMemory.Of<double>(wt), TensorMemory.Of<double>(bc), epsilon, TensorMemory.Of<double>(zc),
                TensorMemory.Of<double>(dz), gradBias, steps, batch, n);
        else
            Backward(TensorMemory.Of<float>(wt), TensorMemory.Of<float>(bc), (float)epsilon, TensorMemory.Of<float>(zc),
                TensorMemory.Of<float>(dz), gradBias, steps, batch, n);
        return (dz, tensor(gradBias).to_type(pre.dtype));
    }

    // pre holds a on entry and Z on exit.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> h0, ReadOnlySpan<T> bias, T epsilon, Span<T> pre,
        Span<T> hiddens, int steps, int batch, int n) where T : unmanaged, INumber<T>, IRootFunctions<T>
    {
        int stride = batch * 2 * n;
        for (int t = 0; t < steps; t++)
        {
            var z = pre.Slice(t * stride, stride);
            var h = hiddens.Slice(t * stride, stride);
            SmallMatmul.MultiplyAdd(t == 0 ? h0 : hiddens.Slice((t - 1) * stride, stride), w, z, batch, 2 * n, 2 * n);
            for (int r = 0; r < batch; r++)
                for (int j = 0; j < n; j++)
                {
                    int re = r * 2 * n + j, im = re + n;
                    T squared = z[re] * z[re] + z[im] * z[im];
                    T m = T.Sqrt(squared + epsilon);
                    T s = squared == T.Zero ? T.Zero : T.Max(m + bias[j], T.Zero) / m;
                    h[re] = z[re] * s;
                    h[im] = z[im] * s;
                }
        }
    }

    // dz holds dL/dH on entry and dL/dz (= dL/da) on exit; wt = Wᵀ.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Backward<T>(ReadOnlySpan<T> wt, ReadOnlySpan<T> bias, T epsilon, ReadOnlySpan<T> pre, Span<T> dz,
        Span<double> gradBias, int steps, int batch, int n) where T : unmanaged, INumber<T>, IRootFunctions<T>
    {
        int stride = batch * 2 * n;
        for (int t = steps - 1; t >= 0; t--)
        {
            var d = dz.Slice(t * stride, stride);
            var z = pre.Slice(t * stride, stride);
            if (t + 1 < steps) SmallMatmul.MultiplyAdd(dz.Slice((t + 1) * stride, stride), wt, d, batch, 2 * n, 2 * n);
            for (int r = 0; r < batch; r++)
                for (int j = 0; j < n; j++)
                {
                    int re = r * 2 * n + j, im = re + n;
                    T squared = z[re] * z[re] + z[im] * z[im];
                    T m = T.Sqrt(squared + epsilon);
                    if (!(m + bias[j] > T.Zero) || squared == T.Zero) { d[re] = d[im] = T.Zero; continue; }
                    T s = (m + bias[j]) / m, kappa = -bias[j] / (m * m * m);
                    T dot = z[re] * d[re] + z[im] * d[im];
                    gradBias[j] += double.CreateTruncating(dot / m);
                    d[re] = d[re] * s + z[re] * (kappa * dot);
                    d[im] = d[im] * s + z[im] * (kappa * dot);
                }
        }
    }
}
