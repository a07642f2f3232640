using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// The few vector operations the kernels need, for float and double alike: the JIT specialises
/// each generic instantiation, so the type tests below cost nothing at run time.
/// </summary>
internal static class VectorMath
{
    /// <summary>a·b + c, fused (one rounding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    /// <summary>e^x lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> x) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return ExpSingle(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.Exp(x.AsDouble()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>
    /// e^x in float32 to about 1 ulp: x = n ln2 + r with |r| ≤ ln2/2 (ln2 split in two parts so n ln2 is
    /// exact), e^r by the degree-7 minimax polynomial of Cephes' expf, 2^n put into the exponent bits.
    /// .NET's own Vector256.Exp widens to double and costs several times more; the gates of one LSTM
    /// step evaluate five of these per unit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpSingle(Vector256<float> x)
    {
        var n = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        var y = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        // 2^n as 2^n₁ · 2^(n − n₁) with n₁ clamped to the normal exponents: n reaches 128 just below
        // the overflow threshold. Below −87.3 (subnormal results) the answer is flushed to 0.
        var n1 = Vector256.Min(Vector256.Max(n, Vector256.Create(-126f)), Vector256.Create(127f));
        var bias = Vector256.Create(127);
        y *= Vector256.ShiftLeft(Vector256.ConvertToInt32(n1) + bias, 23).AsSingle();
        y *= Vector256.ShiftLeft(Vector256.ConvertToInt32(n - n1) + bias, 23).AsSingle();
        y = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(88.72283f)), Vector256.Create(float.PositiveInfinity), y);
        y = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-87.33654f)), Vector256<float>.Zero, y);
        // NaN in, NaN out (the comparisons above are false for NaN, and so is the rounding).
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>1 / (1 + e^−x), saturating to exactly 0 or 1 where e^−x overflows or vanishes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sigmoid<T>(Vector256<T> x) where T : unmanaged, INumber<T>
        => Vector256<T>.One / (Vector256<T>.One + Exp(-x));

    /// <summary>tanh x = 1 − 2 / (e^{2x} + 1): exactly ±1 at large |x|, absolute error a few ulps of 1 near 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Tanh<T>(Vector256<T> x) where T : unmanaged, INumber<T>
    {
        var two = Vector256.Create(T.One + T.One);
        return Vector256<T>.One - two / (Exp(x + x) + Vector256<T>.One);
    }

    /// <summary>Scalar forms of the same functions (for the tails that do not fill a vector).</summary>
    public static T Sigmoid<T>(T x) where T : unmanaged, INumber<T>
        => Sigmoid(Vector256.Create(x)).GetElement(0);

    /// <inheritdoc cref="Tanh{T}(Vector256{T})"/>
    public static T Tanh<T>(T x) where T : unmanaged, INumber<T>
        => Tanh(Vector256.Create(x)).GetElement(0);
}
