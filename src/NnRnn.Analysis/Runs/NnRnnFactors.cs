using NnRnn.Analysis.Linear;

namespace NnRnn.Analysis.Runs;

/// <summary>
/// nnRNN's learned Schur factors (paper eq. 5): W = P (Λ + T ⊙ M) Pᵀ with P orthogonal, Λ block
/// diagonal with blocks γ_k R(θ_k), T strictly upper triangular (mask M).
/// </summary>
/// <param name="Theta">θ_k, the rotation angles of the 2×2 blocks (as trained, not wrapped).</param>
/// <param name="Gamma">γ_k, the block scales.</param>
public sealed record NnRnnFactors(double[,] P, double[,] Lambda, double[,] T, double[] Theta, double[] Gamma)
{
    /// <summary>Λ + T ⊙ M, the learned connectivity in the Schur basis (the paper's Fig. 3/5).</summary>
    public double[,] Core
    {
        get
        {
            int n = Lambda.GetLength(0);
            var core = (double[,])Lambda.Clone();
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) core[i, j] += T[i, j];
            return core;
        }
    }

    /// <summary>P (Λ + T ⊙ M) Pᵀ.</summary>
    public double[,] Recurrent => Dense.Conjugate(P, Core);
}
