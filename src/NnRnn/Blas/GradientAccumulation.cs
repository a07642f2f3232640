using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NnRnn.Blas;

/// <summary>
/// dW += Aᵀ B for one step of a backward pass through time, on the columns one <see cref="StepTeam"/>
/// worker owns: the recurrent weight's gradient Σ_t h_{t−1}ᵀ dz_t summed inside the team while
/// h_{t−1} and dz_t are still in cache, instead of one [N, T·B] × [T·B, N] product afterwards that
/// reads both back from memory. Float32; register tiles of 4 rows × 64 columns (Vector512).
/// </summary>
internal static unsafe class GradientAccumulation
{
    /// <summary>
    /// c[i, j] += Σ_q a[q, i] b[q, j] for i &lt; <paramref name="rows"/> (a multiple of 4) and the 64 columns
    /// j from <paramref name="column"/>; a is [k, ≥rows] (leading dimension <paramref name="lda"/>),
    /// b [k, ·] (<paramref name="ldb"/>), c [rows, ·] (<paramref name="ldc"/>).
    /// </summary>
    public static void AddTransposedProduct(float* a, int lda, int k, float* b, int ldb, float* c, int ldc, int rows, int column)
    {
        if (rows % 4 != 0) throw new ArgumentException("rows must be a multiple of 4");
        for (int i = 0; i < rows; i += 4) Tile(a + i, lda, b + column, ldb, k, c + (long)i * ldc + column, ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(float* a, int lda, float* b, int ldb, int k, float* c, int ldc)
    {
        float* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        Vector512<float> r00 = Vector512.Load(c), r01 = Vector512.Load(c + 16), r02 = Vector512.Load(c + 32), r03 = Vector512.Load(c + 48);
        Vector512<float> r10 = Vector512.Load(c1), r11 = Vector512.Load(c1 + 16), r12 = Vector512.Load(c1 + 32), r13 = Vector512.Load(c1 + 48);
        Vector512<float> r20 = Vector512.Load(c2), r21 = Vector512.Load(c2 + 16), r22 = Vector512.Load(c2 + 32), r23 = Vector512.Load(c2 + 48);
        Vector512<float> r30 = Vector512.Load(c3), r31 = Vector512.Load(c3 + 16), r32 = Vector512.Load(c3 + 32), r33 = Vector512.Load(c3 + 48);
        for (int q = 0; q < k; q++, a += lda, b += ldb)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var b3 = Vector512.Load(b + 48);
            var x = Vector512.Create(a[0]);
            r00 = Vector512.FusedMultiplyAdd(x, b0, r00); r01 = Vector512.FusedMultiplyAdd(x, b1, r01);
            r02 = Vector512.FusedMultiplyAdd(x, b2, r02); r03 = Vector512.FusedMultiplyAdd(x, b3, r03);
            x = Vector512.Create(a[1]);
            r10 = Vector512.FusedMultiplyAdd(x, b0, r10); r11 = Vector512.FusedMultiplyAdd(x, b1, r11);
            r12 = Vector512.FusedMultiplyAdd(x, b2, r12); r13 = Vector512.FusedMultiplyAdd(x, b3, r13);
            x = Vector512.Create(a[2]);
            r20 = Vector512.FusedMultiplyAdd(x, b0, r20); r21 = Vector512.FusedMultiplyAdd(x, b1, r21);
            r22 = Vector512.FusedMultiplyAdd(x, b2, r22); r23 = Vector512.FusedMultiplyAdd(x, b3, r23);
            x = Vector512.Create(a[3]);
            r30 = Vector512.FusedMultiplyAdd(x, b0, r30); r31 = Vector512.FusedMultiplyAdd(x, b1, r31);
            r32 = Vector512.FusedMultiplyAdd(x, b2, r32); r33 = Vector512.FusedMultiplyAdd(x, b3, r33);
        }
        r00.Store(c); r01.Store(c + 16); r02.Store(c + 32); r03.Store(c + 48);
        r10.Store(c1); r11.Store(c1 + 16); r12.Store(c1 + 32); r13.Store(c1 + 48);
        r20.Store(c2); r21.Store(c2 + 16); r22.Store(c2 + 32); r23.Store(c2 + 48);
        r30.Store(c3); r31.Store(c3 + 16); r32.Store(c3 + 32); r33.Store(c3 + 48);
    }
}
