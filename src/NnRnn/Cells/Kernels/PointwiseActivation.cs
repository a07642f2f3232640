using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NnRnn.Nonlinearities;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// The real activations of <see cref="Nonlinearity"/> over one step's [batch, N] block, in place:
/// σ(z), and dz = dh ⊙ σ'(z) written from the output h = σ(z), as the libtorch path does.
/// </summary>
internal static class PointwiseActivation
{
    /// <summary>z ← σ(z); <paramref name="bias"/> [N] is modReLU's b (empty otherwise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // a kernel: jit it optimised from its first call
    public static void Forward<T>(Activation kind, Span<T> z, ReadOnlySpan<T> bias, int n) where T : unmanaged, INumber<T>
    {
        switch (kind)
        {
            case Activation.None: return;
            case Activation.Relu:
                foreach (ref var v in z) v = T.Max(v, T.Zero);
                return;
            case Activation.ModRelu:
                // sign(z)·relu(|z| + b): the same operations as ModReLU.forward, so bit-equal for equal z.
                for (int i = 0; i < z.Length; i++)
                {
                    T v = z[i], m = T.Abs(v) + bias[i % n];
                    z[i] = m > T.Zero ? T.CreateTruncating(T.Sign(v)) * m : T.Zero;
                }
                return;
            case Activation.Tanh:
            case Activation.Sigmoid:
                var vectors = MemoryMarshal.Cast<T, Vector256<T>>(z);
                bool tanh = kind == Activation.Tanh;
                foreach (ref var v in vectors) v = tanh ? VectorMath.Tanh(v) : VectorMath.Sigmoid(v);
                for (int i = vectors.Length * Vector256<T>.Count; i < z.Length; i++)
                    z[i] = tanh ? VectorMath.Tanh(z[i]) : VectorMath.Sigmoid(z[i]);
                return;
            default: throw new ArgumentException($"no kernel for activation {kind}");
        }
    }

    /// <summary>
    /// dh ← dh ⊙ σ'(z) from h = σ(z); for modReLU also adds Σ_rows dz ⊙ sign(h) to
    /// <paramref name="biasGradient"/> [N] (dL/db, see <see cref="ModReLU.BiasGradient"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // a kernel: jit it optimised from its first call
    public static void Backward<T>(Activation kind, Span<T> dh, ReadOnlySpan<T> h, Span<double> biasGradient, int n)
        where T : unmanaged, INumber<T>
    {
        switch (kind)
        {
            case Activation.None: return;
            case Activation.Relu:
                for (int i = 0; i < dh.Length; i++) if (!(h[i] > T.Zero)) dh[i] = T.Zero;
                return;
            case Activation.ModRelu:
                for (int i = 0; i < dh.Length; i++)
                {
                    if (h[i] == T.Zero) { dh[i] = T.Zero; continue; }
                    double d = double.CreateTruncating(dh[i]);
                    biasGradient[i % n] += h[i] > T.Zero ? d : -d;
                }
                return;
            case Activation.Tanh:
                for (int i = 0; i < dh.Length; i++) dh[i] *= T.One - h[i] * h[i];
                return;
            case Activation.Sigmoid:
                for (int i = 0; i < dh.Length; i++) dh[i] *= h[i] * (T.One - h[i]);
                return;
            default: throw new ArgumentException($"no kernel for activation {kind}");
        }
    }
}
