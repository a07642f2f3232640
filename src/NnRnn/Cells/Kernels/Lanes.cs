using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// Loads and stores of either a whole vector or, for the tail of a row that does not fill one, a
/// single element in lane 0: one element-wise body serves both.
/// </summary>
internal static class Lanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load<T>(ref T row, int j, bool full) where T : unmanaged, INumber<T>
        => full ? Vector256.LoadUnsafe(ref row, (nuint)j) : Vector256.Create(Unsafe.Add(ref row, j));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector256<T> v, ref T row, int j, bool full) where T : unmanaged, INumber<T>
    {
        if (full) v.StoreUnsafe(ref row, (nuint)j);
        else Unsafe.Add(ref row, j) = v.GetElement(0);
    }

    /// <summary>Step to the next position: a whole vector while one fits in <paramref name="n"/>, then one element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Full<T>(int j, int n) where T : unmanaged => j + Vector256<T>.Count <= n;
}
