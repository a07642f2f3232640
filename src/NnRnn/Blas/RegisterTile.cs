using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NnRnn.Blas;

/// <summary>
/// The one register tile of this tool's own products: C[4 rows, 64 columns] (+)= Σ_q A[row, q] B[q, ·],
/// sixteen Vector512 accumulators, per inner step four loads of B, four broadcasts of A and sixteen
/// FMAs. A's element (row r, depth q) is at a[r · rowStride + q · depthStride], so one kernel serves
/// x W (A row-major: <see cref="ResidentWeights"/>) and hᵀ dz (A read transposed: <see cref="GradientAccumulation"/>).
/// </summary>
internal static unsafe class RegisterTile
{
    /// <summary>Columns of the tile (four Vector512 of float).</summary>
    public const int Width = 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Start(float* c, bool accumulate) => accumulate ? Vector512.Load(c) : Vector512<float>.Zero;

    /// <summary>
    /// Rows 0–3 of C (leading dimension <paramref name="ldc"/>) ← (accumulate ? C : 0) + A B over
    /// <paramref name="k"/> depth steps; B's row q is 64 floats at b + q · <paramref name="bStride"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FourRows(float* a, int rowStride, int depthStride, float* b, int bStride, int k, float* c, int ldc, bool accumulate)
    {
        float* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        Vector512<float> r00 = Start(c, accumulate), r01 = Start(c + 16, accumulate), r02 = Start(c + 32, accumulate), r03 = Start(c + 48, accumulate);
        Vector512<float> r10 = Start(c1, accumulate), r11 = Start(c1 + 16, accumulate), r12 = Start(c1 + 32, accumulate), r13 = Start(c1 + 48, accumulate);
        Vector512<float> r20 = Start(c2, accumulate), r21 = Start(c2 + 16, accumulate), r22 = Start(c2 + 32, accumulate), r23 = Start(c2 + 48, accumulate);
        Vector512<float> r30 = Start(c3, accumulate), r31 = Start(c3 + 16, accumulate), r32 = Start(c3 + 32, accumulate), r33 = Start(c3 + 48, accumulate);
        nint s1 = rowStride, s2 = 2 * s1, s3 = 3 * s1;
        for (int q = 0; q < k; q++, a += depthStride, b += bStride)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var b3 = Vector512.Load(b + 48);
            var x = Vector512.Create(a[0]);
            r00 = Vector512.FusedMultiplyAdd(x, b0, r00); r01 = Vector512.FusedMultiplyAdd(x, b1, r01);
            r02 = Vector512.FusedMultiplyAdd(x, b2, r02); r03 = Vector512.FusedMultiplyAdd(x, b3, r03);
            x = Vector512.Create(a[s1]);
            r10 = Vector512.FusedMultiplyAdd(x, b0, r10); r11 = Vector512.FusedMultiplyAdd(x, b1, r11);
            r12 = Vector512.FusedMultiplyAdd(x, b2, r12); r13 = Vector512.FusedMultiplyAdd(x, b3, r13);
            x = Vector512.Create(a[s2]);
            r20 = Vector512.FusedMultiplyAdd(x, b0, r20); r21 = Vector512.FusedMultiplyAdd(x, b1, r21);
            r22 = Vector512.FusedMultiplyAdd(x, b2, r22); r23 = Vector512.FusedMultiplyAdd(x, b3, r23);
            x = Vector512.Create(a[s3]);
            r30 = Vector512.FusedMultiplyAdd(x, b0, r30); r31 = Vector512.FusedMultiplyAdd(x, b1, r31);
            r32 = Vector512.FusedMultiplyAdd(x, b2, r32); r33 = Vector512.FusedMultiplyAdd(x, b3, r33);
        }
        r00.Store(c); r01.Store(c + 16); r02.Store(c + 32); r03.Store(c + 48);
        r10.Store(c1); r11.Store(c1 + 16); r12.Store(c1 + 32); r13.Store(c1 + 48);
        r20.Store(c2); r21.Store(c2 + 16); r22.Store(c2 + 32); r23.Store(c2 + 48);
        r30.Store(c3); r31.Store(c3 + 16); r32.Store(c3 + 32); r33.Store(c3 + 48);
    }

    /// <summary>One row of C (the rows left over after the 4-row tiles), A row-major with unit depth stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OneRow(float* a, float* b, int bStride, int k, float* c, bool accumulate)
    {
        Vector512<float> r0 = Start(c, accumulate), r1 = Start(c + 16, accumulate), r2 = Start(c + 32, accumulate), r3 = Start(c + 48, accumulate);
        for (int q = 0; q < k; q++, b += bStride)
        {
            var x = Vector512.Create(a[q]);
            r0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b), r0);
            r1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 16), r1);
            r2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 32), r2);
            r3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 48), r3);
        }
        r0.Store(c); r1.Store(c + 16); r2.Store(c + 32); r3.Store(c + 48);
    }
}
