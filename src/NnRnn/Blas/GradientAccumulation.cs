namespace NnRnn.Blas;

/// <summary>
/// dW += Aᵀ B for one step of a backward pass through time, on the columns one <see cref="StepTeam"/>
/// worker owns: the recurrent weight's gradient Σ_t h_{t−1}ᵀ dz_t summed inside the team while
/// h_{t−1} and dz_t are still in cache, instead of one [N, T·B] × [T·B, N] product afterwards that
/// reads both back from memory. Float32, in <see cref="RegisterTile"/> (A read transposed).
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
        for (int i = 0; i < rows; i += 4) RegisterTile.FourRows(a + i, 1, lda, b + column, ldb, k, c + (long)i * ldc + column, ldc, accumulate: true);
    }
}
