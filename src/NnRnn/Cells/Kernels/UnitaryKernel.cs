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
                ForwardRow(ref MemoryMarshal.GetReference(z.Slice(r * 2 * n)), ref MemoryMarshal.GetReference(h.Slice(r * 2 * n)),
                    ref MemoryMarshal.GetReference(bias), epsilon, n);
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
                BackwardRow(ref MemoryMarshal.GetReference(z.Slice(r * 2 * n)), ref MemoryMarshal.GetReference(d.Slice(r * 2 * n)),
                    ref MemoryMarshal.GetReference(bias), epsilon, gradBias, n);
        }
    }

    // One row [Re | Im]: h = s z with s = relu(m + b)/m, 0 where z = 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardRow<T>(ref T z, ref T h, ref T bias, T epsilon, int n) where T : unmanaged, INumber<T>, IRootFunctions<T>
    {
        var eps = Vector256.Create(epsilon);
        for (int j = 0; j < n; j += Lanes.Full<T>(j, n) ? Vector256<T>.Count : 1)
        {
            bool full = Lanes.Full<T>(j, n);
            var re = Lanes.Load(ref z, j, full);
            var im = Lanes.Load(ref z, n + j, full);
            var squared = re * re + im * im;
            var m = Vector256.Sqrt(squared + eps);
            var s = Vector256.Max(m + Lanes.Load(ref bias, j, full), Vector256<T>.Zero) / m;
            s = Vector256.ConditionalSelect(Vector256.Equals(squared, Vector256<T>.Zero), Vector256<T>.Zero, s);
            Lanes.Store(re * s, ref h, j, full);
            Lanes.Store(im * s, ref h, n + j, full);
        }
    }

    // One row of dh ← J dh with J = s I + κ z zᵀ where active (else 0); adds (z · dh)/m to dL/db.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardRow<T>(ref T z, ref T d, ref T bias, T epsilon, Span<double> gradBias, int n)
        where T : unmanaged, INumber<T>, IRootFunctions<T>
    {
        var eps = Vector256.Create(epsilon);
        for (int j = 0; j < n; j += Lanes.Full<T>(j, n) ? Vector256<T>.Count : 1)
        {
            bool full = Lanes.Full<T>(j, n);
            var re = Lanes.Load(ref z, j, full);
            var im = Lanes.Load(ref z, n + j, full);
            var dr = Lanes.Load(ref d, j, full);
            var di = Lanes.Load(ref d, n + j, full);
            var b = Lanes.Load(ref bias, j, full);
            var squared = re * re + im * im;
            var m = Vector256.Sqrt(squared + eps);
            var active = Vector256.GreaterThan(m + b, Vector256<T>.Zero) & ~Vector256.Equals(squared, Vector256<T>.Zero);
            var s = (m + b) / m;
            var kappa = -b / (m * m * m);
            var dot = re * dr + im * di;
            var byBias = Vector256.ConditionalSelect(active, dot / m, Vector256<T>.Zero);
            for (int lane = 0; lane < (full ? Vector256<T>.Count : 1); lane++)
                gradBias[j + lane] += double.CreateTruncating(byBias.GetElement(lane));
            Lanes.Store(Vector256.ConditionalSelect(active, dr * s + re * (kappa * dot), Vector256<T>.Zero), ref d, j, full);
            Lanes.Store(Vector256.ConditionalSelect(active, di * s + im * (kappa * dot), Vector256<T>.Zero), ref d, n + j, full);
        }
    }
}
