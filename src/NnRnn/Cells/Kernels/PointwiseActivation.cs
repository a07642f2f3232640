using System.Numerics;
using System.Runtime.CompilerServices;
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
    /// <summary>z ← σ(z) for rows of <paramref name="n"/> units; <paramref name="bias"/> [N] is modReLU's b (empty otherwise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // a kernel: jit it optimised from its first call
    public static void Forward<T>(Activation kind, Span<T> z, ReadOnlySpan<T> bias, int n) where T : unmanaged, INumber<T>
    {
        if (kind == Activation.None) return;
        if (kind is not (Activation.Relu or Activation.ModRelu or Activation.Tanh or Activation.Sigmoid))
            throw new ArgumentException($"no kernel for activation {kind}");
        ref T b = ref MemoryMarshal.GetReference(bias);
        for (int row = 0; row < z.Length; row += n)
        {
            ref T r = ref MemoryMarshal.GetReference(z.Slice(row, n));
            for (int j = 0; j < n; j += Lanes.Full<T>(j, n) ? Vector256<T>.Count : 1)
            {
                bool full = Lanes.Full<T>(j, n);
                var v = Lanes.Load(ref r, j, full);
                v = kind switch
                {
                    Activation.Relu => Vector256.Max(v, Vector256<T>.Zero),
                    Activation.ModRelu => ModRelu(v, Lanes.Load(ref b, j, full)),
                    Activation.Tanh => VectorMath.Tanh(v),
                    _ => VectorMath.Sigmoid(v),
                };
                Lanes.Store(v, ref r, j, full);
            }
        }
    }

    // sign(z)·relu(|z| + b): the same roundings as ModReLU.forward, so bit-equal for equal z.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> ModRelu<T>(Vector256<T> z, Vector256<T> b) where T : unmanaged, INumber<T>
    {
        var m = Vector256.Max(Vector256.Abs(z) + b, Vector256<T>.Zero);
        var positive = Vector256.GreaterThan(z, Vector256<T>.Zero);
        var negative = Vector256.LessThan(z, Vector256<T>.Zero);
        return Vector256.ConditionalSelect(positive, m, Vector256.ConditionalSelect(negative, -m, Vector256<T>.Zero));
    }

    /// <summary>
    /// g[j + lane] += v[lane] in double, lane by lane: the same additions, in the same order, as one
    /// scalar add per element (so the result does not depend on the vector width), without extracting lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateInDouble<T>(Vector256<T> v, Span<double> g, int j, bool full) where T : unmanaged, INumber<T>
    {
        ref double target = ref MemoryMarshal.GetReference(g);
        if (full && typeof(T) == typeof(float))
        {
            var (low, high) = Vector256.Widen(v.AsSingle());
            (Vector256.LoadUnsafe(ref target, (nuint)j) + low).StoreUnsafe(ref target, (nuint)j);
            (Vector256.LoadUnsafe(ref target, (nuint)j + 4) + high).StoreUnsafe(ref target, (nuint)j + 4);
        }
        else if (full && typeof(T) == typeof(double))
            (Vector256.LoadUnsafe(ref target, (nuint)j) + v.AsDouble()).StoreUnsafe(ref target, (nuint)j);
        else
            for (int lane = 0; lane < (full ? Vector256<T>.Count : 1); lane++)
                Unsafe.Add(ref target, j + lane) += double.CreateTruncating(v.GetElement(lane));
    }

    /// <summary>
    /// dh ← dh ⊙ σ'(z) from h = σ(z); for modReLU also adds Σ_rows dz ⊙ sign(h) to
    /// <paramref name="biasGradient"/> [N] (dL/db, see <see cref="ModReLU.BiasGradient"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // a kernel: jit it optimised from its first call
    public static void Backward<T>(Activation kind, Span<T> dh, ReadOnlySpan<T> h, Span<double> biasGradient, int n)
        where T : unmanaged, INumber<T>
    {
        if (kind == Activation.None) return;
        if (kind is not (Activation.Relu or Activation.ModRelu or Activation.Tanh or Activation.Sigmoid))
            throw new ArgumentException($"no kernel for activation {kind}");
        var one = Vector256<T>.One;
        for (int row = 0; row < dh.Length; row += n)
        {
            ref T d = ref MemoryMarshal.GetReference(dh.Slice(row, n));
            ref T hr = ref MemoryMarshal.GetReference(h.Slice(row, n));
            for (int j = 0; j < n; j += Lanes.Full<T>(j, n) ? Vector256<T>.Count : 1)
            {
                bool full = Lanes.Full<T>(j, n);
                var dv = Lanes.Load(ref d, j, full);
                var hv = Lanes.Load(ref hr, j, full);
                switch (kind)
                {
                    case Activation.Relu:
                        dv = Vector256.ConditionalSelect(Vector256.GreaterThan(hv, Vector256<T>.Zero), dv, Vector256<T>.Zero);
                        break;
                    case Activation.ModRelu:
                        // σ' = 1 where h ≠ 0 (else 0); ∂σ/∂b = sign(h).
                        dv = Vector256.ConditionalSelect(Vector256.Equals(hv, Vector256<T>.Zero), Vector256<T>.Zero, dv);
                        var signed = Vector256.ConditionalSelect(Vector256.LessThan(hv, Vector256<T>.Zero), -dv, dv);
                        AccumulateInDouble(signed, biasGradient, j, full);
                        break;
                    case Activation.Tanh:
                        dv *= one - hv * hv;
                        break;
                    default:
                        dv *= hv * (one - hv);
                        break;
                }
                Lanes.Store(dv, ref d, j, full);
            }
        }
    }

    /// <summary>
    /// modReLU's backward over rows of <paramref name="n"/> float32 units: dh ← dh where h ≠ 0 (else 0), and
    /// <paramref name="columnSums"/>[j] += Σ_rows sign(h) dh in float (the caller adds them to its double
    /// totals once per step: a double add per element cost as much as the rest of the step's element-wise work).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ModReluBackward(Span<float> dh, ReadOnlySpan<float> h, Span<float> columnSums, int n)
    {
        ref float sums = ref MemoryMarshal.GetReference(columnSums);
        for (int row = 0; row < dh.Length; row += n)
        {
            ref float d = ref MemoryMarshal.GetReference(dh.Slice(row, n));
            ref float hr = ref MemoryMarshal.GetReference(h.Slice(row, n));
            int j = 0;
            for (; j + Vector256<float>.Count <= n; j += Vector256<float>.Count)
            {
                var hv = Vector256.LoadUnsafe(ref hr, (nuint)j);
                var dv = Vector256.ConditionalSelect(Vector256.Equals(hv, Vector256<float>.Zero), Vector256<float>.Zero, Vector256.LoadUnsafe(ref d, (nuint)j));
                dv.StoreUnsafe(ref d, (nuint)j);
                var signed = Vector256.ConditionalSelect(Vector256.LessThan(hv, Vector256<float>.Zero), -dv, dv);
                (Vector256.LoadUnsafe(ref sums, (nuint)j) + signed).StoreUnsafe(ref sums, (nuint)j);
            }
            for (; j < n; j++)
            {
                float hj = Unsafe.Add(ref hr, j);
                ref float dj = ref Unsafe.Add(ref d, j);
                if (hj == 0) dj = 0;
                Unsafe.Add(ref sums, j) += hj < 0 ? -dj : dj;
            }
        }
    }
}
