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
        if (typeof(T) == typeof(float)) return Vector256.Exp(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.Exp(x.AsDouble()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
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
