using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// y += x·W for the small products of one recurrence step (x [rows, k] a batch of states, W [k, m]),
/// all row-major. Register-blocked: four (or two) rows of x times four vectors of W's columns stay
/// in registers over the whole k loop, so each row of W is loaded once per four rows of x (W is
/// larger than L1 at N = 128, so its traffic from L2 is what bounds a step).
/// </summary>
internal static class SmallMatmul
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // a kernel: jit it optimised from its first call
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, int rows, int k, int m)
        where T : unmanaged, INumber<T>
    {
        if (x.Length < rows * k || w.Length < k * m || y.Length < rows * m)
            throw new ArgumentException("matrix sizes do not match the spans");
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T wr = ref MemoryMarshal.GetReference(w);
        ref T yr = ref MemoryMarshal.GetReference(y);
        int r = 0;
        // Blocks of five rows where the rows do not split into fours (the copy task's batch of 10):
        // each row of W is then loaded once per five rows, where 4 + 4 + 2 loaded it three times.
        // Every y element still sums its k products in the same order: the same bits either way.
        if (rows % 4 != 0 && rows % 5 == 0)
            for (; r + 4 < rows; r += 5)
                FiveRows(ref Unsafe.Add(ref xr, r * k), ref wr, ref Unsafe.Add(ref yr, r * m), k, m);
        for (; r + 3 < rows; r += 4)
            FourRows(ref Unsafe.Add(ref xr, r * k), ref wr, ref Unsafe.Add(ref yr, r * m), k, m);
        for (; r + 1 < rows; r += 2)
            TwoRows(ref Unsafe.Add(ref xr, r * k), ref Unsafe.Add(ref xr, (r + 1) * k), ref wr,
                ref Unsafe.Add(ref yr, r * m), ref Unsafe.Add(ref yr, (r + 1) * m), k, m);
        if (r < rows)
            TwoRows(ref Unsafe.Add(ref xr, r * k), ref Unsafe.Add(ref xr, r * k), ref wr,
                ref Unsafe.Add(ref yr, r * m), ref Unsafe.NullRef<T>(), k, m);
    }

    // y[0..4) += x[0..4)·W; rows of x and y are k and m apart.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows<T>(ref T x, ref T w, ref T y, int k, int m) where T : unmanaged, INumber<T>
    {
        int lanes = Vector256<T>.Count, j = 0;
        ref T x1 = ref Unsafe.Add(ref x, k);
        ref T x2 = ref Unsafe.Add(ref x, 2 * k);
        ref T x3 = ref Unsafe.Add(ref x, 3 * k);
        ref T y1 = ref Unsafe.Add(ref y, m);
        ref T y2 = ref Unsafe.Add(ref y, 2 * m);
        ref T y3 = ref Unsafe.Add(ref y, 3 * m);
        for (; j + 4 * lanes <= m; j += 4 * lanes)
        {
            nuint j0 = (nuint)j, j1 = (nuint)(j + lanes), j2 = (nuint)(j + 2 * lanes), j3 = (nuint)(j + 3 * lanes);
            Vector256<T> a0 = Vector256.LoadUnsafe(ref y, j0), a1 = Vector256.LoadUnsafe(ref y, j1), a2 = Vector256.LoadUnsafe(ref y, j2), a3 = Vector256.LoadUnsafe(ref y, j3);
            Vector256<T> b0 = Vector256.LoadUnsafe(ref y1, j0), b1 = Vector256.LoadUnsafe(ref y1, j1), b2 = Vector256.LoadUnsafe(ref y1, j2), b3 = Vector256.LoadUnsafe(ref y1, j3);
            Vector256<T> c0 = Vector256.LoadUnsafe(ref y2, j0), c1 = Vector256.LoadUnsafe(ref y2, j1), c2 = Vector256.LoadUnsafe(ref y2, j2), c3 = Vector256.LoadUnsafe(ref y2, j3);
            Vector256<T> d0 = Vector256.LoadUnsafe(ref y3, j0), d1 = Vector256.LoadUnsafe(ref y3, j1), d2 = Vector256.LoadUnsafe(ref y3, j2), d3 = Vector256.LoadUnsafe(ref y3, j3);
            for (int p = 0; p < k; p++)
            {
                ref T row = ref Unsafe.Add(ref w, p * m + j);
                var w0 = Vector256.LoadUnsafe(ref row);
                var w1 = Vector256.LoadUnsafe(ref row, (nuint)lanes);
                var w2 = Vector256.LoadUnsafe(ref row, (nuint)(2 * lanes));
                var w3 = Vector256.LoadUnsafe(ref row, (nuint)(3 * lanes));
                var s = Vector256.Create(Unsafe.Add(ref x, p));
                a0 = VectorMath.MultiplyAdd(s, w0, a0); a1 = VectorMath.MultiplyAdd(s, w1, a1);
                a2 = VectorMath.MultiplyAdd(s, w2, a2); a3 = VectorMath.MultiplyAdd(s, w3, a3);
                s = Vector256.Create(Unsafe.Add(ref x1, p));
                b0 = VectorMath.MultiplyAdd(s, w0, b0); b1 = VectorMath.MultiplyAdd(s, w1, b1);
                b2 = VectorMath.MultiplyAdd(s, w2, b2); b3 = VectorMath.MultiplyAdd(s, w3, b3);
                s = Vector256.Create(Unsafe.Add(ref x2, p));
                c0 = VectorMath.MultiplyAdd(s, w0, c0); c1 = VectorMath.MultiplyAdd(s, w1, c1);
                c2 = VectorMath.MultiplyAdd(s, w2, c2); c3 = VectorMath.MultiplyAdd(s, w3, c3);
                s = Vector256.Create(Unsafe.Add(ref x3, p));
                d0 = VectorMath.MultiplyAdd(s, w0, d0); d1 = VectorMath.MultiplyAdd(s, w1, d1);
                d2 = VectorMath.MultiplyAdd(s, w2, d2); d3 = VectorMath.MultiplyAdd(s, w3, d3);
            }
            a0.StoreUnsafe(ref y, j0); a1.StoreUnsafe(ref y, j1); a2.StoreUnsafe(ref y, j2); a3.StoreUnsafe(ref y, j3);
            b0.StoreUnsafe(ref y1, j0); b1.StoreUnsafe(ref y1, j1); b2.StoreUnsafe(ref y1, j2); b3.StoreUnsafe(ref y1, j3);
            c0.StoreUnsafe(ref y2, j0); c1.StoreUnsafe(ref y2, j1); c2.StoreUnsafe(ref y2, j2); c3.StoreUnsafe(ref y2, j3);
            d0.StoreUnsafe(ref y3, j0); d1.StoreUnsafe(ref y3, j1); d2.StoreUnsafe(ref y3, j2); d3.StoreUnsafe(ref y3, j3);
        }
        if (j < m)   // the columns left over: as two pairs of rows
        {
            TwoRows(ref x, ref x1, ref w, ref y, ref y1, k, m, j);
            TwoRows(ref x2, ref x3, ref w, ref y2, ref y3, k, m, j);
        }
    }

    // y[0..5) += x[0..5)·W: 20 accumulators, four vectors of W and one broadcast (AVX-512 has 32 registers).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FiveRows<T>(ref T x, ref T w, ref T y, int k, int m) where T : unmanaged, INumber<T>
    {
        int lanes = Vector256<T>.Count, j = 0;
        ref T x1 = ref Unsafe.Add(ref x, k);
        ref T x2 = ref Unsafe.Add(ref x, 2 * k);
        ref T x3 = ref Unsafe.Add(ref x, 3 * k);
        ref T x4 = ref Unsafe.Add(ref x, 4 * k);
        ref T y1 = ref Unsafe.Add(ref y, m);
        ref T y2 = ref Unsafe.Add(ref y, 2 * m);
        ref T y3 = ref Unsafe.Add(ref y, 3 * m);
        ref T y4 = ref Unsafe.Add(ref y, 4 * m);
        for (; j + 4 * lanes <= m; j += 4 * lanes)
        {
            nuint j0 = (nuint)j, j1 = (nuint)(j + lanes), j2 = (nuint)(j + 2 * lanes), j3 = (nuint)(j + 3 * lanes);
            Vector256<T> a0 = Vector256.LoadUnsafe(ref y, j0), a1 = Vector256.LoadUnsafe(ref y, j1), a2 = Vector256.LoadUnsafe(ref y, j2), a3 = Vector256.LoadUnsafe(ref y, j3);
            Vector256<T> b0 = Vector256.LoadUnsafe(ref y1, j0), b1 = Vector256.LoadUnsafe(ref y1, j1), b2 = Vector256.LoadUnsafe(ref y1, j2), b3 = Vector256.LoadUnsafe(ref y1, j3);
            Vector256<T> c0 = Vector256.LoadUnsafe(ref y2, j0), c1 = Vector256.LoadUnsafe(ref y2, j1), c2 = Vector256.LoadUnsafe(ref y2, j2), c3 = Vector256.LoadUnsafe(ref y2, j3);
            Vector256<T> d0 = Vector256.LoadUnsafe(ref y3, j0), d1 = Vector256.LoadUnsafe(ref y3, j1), d2 = Vector256.LoadUnsafe(ref y3, j2), d3 = Vector256.LoadUnsafe(ref y3, j3);
            Vector256<T> e0 = Vector256.LoadUnsafe(ref y4, j0), e1 = Vector256.LoadUnsafe(ref y4, j1), e2 = Vector256.LoadUnsafe(ref y4, j2), e3 = Vector256.LoadUnsafe(ref y4, j3);
            for (int p = 0; p < k; p++)
            {
                ref T row = ref Unsafe.Add(ref w, p * m + j);
                var w0 = Vector256.LoadUnsafe(ref row);
                var w1 = Vector256.LoadUnsafe(ref row, (nuint)lanes);
                var w2 = Vector256.LoadUnsafe(ref row, (nuint)(2 * lanes));
                var w3 = Vector256.LoadUnsafe(ref row, (nuint)(3 * lanes));
                var s = Vector256.Create(Unsafe.Add(ref x, p));
                a0 = VectorMath.MultiplyAdd(s, w0, a0); a1 = VectorMath.MultiplyAdd(s, w1, a1);
                a2 = VectorMath.MultiplyAdd(s, w2, a2); a3 = VectorMath.MultiplyAdd(s, w3, a3);
                s = Vector256.Create(Unsafe.Add(ref x1, p));
                b0 = VectorMath.MultiplyAdd(s, w0, b0); b1 = VectorMath.MultiplyAdd(s, w1, b1);
                b2 = VectorMath.MultiplyAdd(s, w2, b2); b3 = VectorMath.MultiplyAdd(s, w3, b3);
                s = Vector256.Create(Unsafe.Add(ref x2, p));
                c0 = VectorMath.MultiplyAdd(s, w0, c0); c1 = VectorMath.MultiplyAdd(s, w1, c1);
                c2 = VectorMath.MultiplyAdd(s, w2, c2); c3 = VectorMath.MultiplyAdd(s, w3, c3);
                s = Vector256.Create(Unsafe.Add(ref x3, p));
                d0 = VectorMath.MultiplyAdd(s, w0, d0); d1 = VectorMath.MultiplyAdd(s, w1, d1);
                d2 = VectorMath.MultiplyAdd(s, w2, d2); d3 = VectorMath.MultiplyAdd(s, w3, d3);
                s = Vector256.Create(Unsafe.Add(ref x4, p));
                e0 = VectorMath.MultiplyAdd(s, w0, e0); e1 = VectorMath.MultiplyAdd(s, w1, e1);
                e2 = VectorMath.MultiplyAdd(s, w2, e2); e3 = VectorMath.MultiplyAdd(s, w3, e3);
            }
            a0.StoreUnsafe(ref y, j0); a1.StoreUnsafe(ref y, j1); a2.StoreUnsafe(ref y, j2); a3.StoreUnsafe(ref y, j3);
            b0.StoreUnsafe(ref y1, j0); b1.StoreUnsafe(ref y1, j1); b2.StoreUnsafe(ref y1, j2); b3.StoreUnsafe(ref y1, j3);
            c0.StoreUnsafe(ref y2, j0); c1.StoreUnsafe(ref y2, j1); c2.StoreUnsafe(ref y2, j2); c3.StoreUnsafe(ref y2, j3);
            d0.StoreUnsafe(ref y3, j0); d1.StoreUnsafe(ref y3, j1); d2.StoreUnsafe(ref y3, j2); d3.StoreUnsafe(ref y3, j3);
            e0.StoreUnsafe(ref y4, j0); e1.StoreUnsafe(ref y4, j1); e2.StoreUnsafe(ref y4, j2); e3.StoreUnsafe(ref y4, j3);
        }
        if (j < m)   // the columns left over: as pairs of rows
        {
            TwoRows(ref x, ref x1, ref w, ref y, ref y1, k, m, j);
            TwoRows(ref x2, ref x3, ref w, ref y2, ref y3, k, m, j);
            TwoRows(ref x4, ref x4, ref w, ref y4, ref Unsafe.NullRef<T>(), k, m, j);
        }
    }

    // y0 += x0·W and (unless y1 is null) y1 += x1·W, from column `from` on.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // a kernel: jit it optimised from its first call
    private static void TwoRows<T>(ref T x0, ref T x1, ref T w, ref T y0, ref T y1, int k, int m, int from = 0)
        where T : unmanaged, INumber<T>
    {
        bool second = !Unsafe.IsNullRef(ref y1);
        int lanes = Vector256<T>.Count, j = from;
        for (; j + 4 * lanes <= m; j += 4 * lanes)
        {
            var a0 = Vector256.LoadUnsafe(ref y0, (nuint)j);
            var a1 = Vector256.LoadUnsafe(ref y0, (nuint)(j + lanes));
            var a2 = Vector256.LoadUnsafe(ref y0, (nuint)(j + 2 * lanes));
            var a3 = Vector256.LoadUnsafe(ref y0, (nuint)(j + 3 * lanes));
            Vector256<T> b0 = default, b1 = default, b2 = default, b3 = default;
            if (second)
            {
                b0 = Vector256.LoadUnsafe(ref y1, (nuint)j);
                b1 = Vector256.LoadUnsafe(ref y1, (nuint)(j + lanes));
                b2 = Vector256.LoadUnsafe(ref y1, (nuint)(j + 2 * lanes));
                b3 = Vector256.LoadUnsafe(ref y1, (nuint)(j + 3 * lanes));
            }
            for (int p = 0; p < k; p++)
            {
                ref T row = ref Unsafe.Add(ref w, p * m + j);
                var w0 = Vector256.LoadUnsafe(ref row);
                var w1 = Vector256.LoadUnsafe(ref row, (nuint)lanes);
                var w2 = Vector256.LoadUnsafe(ref row, (nuint)(2 * lanes));
                var w3 = Vector256.LoadUnsafe(ref row, (nuint)(3 * lanes));
                var s0 = Vector256.Create(Unsafe.Add(ref x0, p));
                a0 = VectorMath.MultiplyAdd(s0, w0, a0);
                a1 = VectorMath.MultiplyAdd(s0, w1, a1);
                a2 = VectorMath.MultiplyAdd(s0, w2, a2);
                a3 = VectorMath.MultiplyAdd(s0, w3, a3);
                if (second)
                {
                    var s1 = Vector256.Create(Unsafe.Add(ref x1, p));
                    b0 = VectorMath.MultiplyAdd(s1, w0, b0);
                    b1 = VectorMath.MultiplyAdd(s1, w1, b1);
                    b2 = VectorMath.MultiplyAdd(s1, w2, b2);
                    b3 = VectorMath.MultiplyAdd(s1, w3, b3);
                }
            }
            a0.StoreUnsafe(ref y0, (nuint)j);
            a1.StoreUnsafe(ref y0, (nuint)(j + lanes));
            a2.StoreUnsafe(ref y0, (nuint)(j + 2 * lanes));
            a3.StoreUnsafe(ref y0, (nuint)(j + 3 * lanes));
            if (second)
            {
                b0.StoreUnsafe(ref y1, (nuint)j);
                b1.StoreUnsafe(ref y1, (nuint)(j + lanes));
                b2.StoreUnsafe(ref y1, (nuint)(j + 2 * lanes));
                b3.StoreUnsafe(ref y1, (nuint)(j + 3 * lanes));
            }
        }
        for (; j + lanes <= m; j += lanes)
        {
            var a = Vector256.LoadUnsafe(ref y0, (nuint)j);
            var b = second ? Vector256.LoadUnsafe(ref y1, (nuint)j) : default;
            for (int p = 0; p < k; p++)
            {
                var wv = Vector256.LoadUnsafe(ref w, (nuint)(p * m + j));
                a = VectorMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref x0, p)), wv, a);
                if (second) b = VectorMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref x1, p)), wv, b);
            }
            a.StoreUnsafe(ref y0, (nuint)j);
            if (second) b.StoreUnsafe(ref y1, (nuint)j);
        }
        for (; j < m; j++)
        {
            T a = Unsafe.Add(ref y0, j), b = second ? Unsafe.Add(ref y1, j) : T.Zero;
            for (int p = 0; p < k; p++)
            {
                T wv = Unsafe.Add(ref w, p * m + j);
                a += Unsafe.Add(ref x0, p) * wv;
                if (second) b += Unsafe.Add(ref x1, p) * wv;
            }
            Unsafe.Add(ref y0, j) = a;
            if (second) Unsafe.Add(ref y1, j) = b;
        }
    }
}
