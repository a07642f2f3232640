using System.Numerics;

namespace NnRnn.Analysis.Linear;

/// <summary>A real Schur form W = Q S Qᵀ (see <see cref="RealSchur"/>).</summary>
public sealed class SchurForm
{
    public SchurForm(double[,] w, double[,] q, double[,] s, int[] blockStarts)
    {
        Q = q;
        S = s;
        BlockStarts = blockStarts;
        Eigenvalues = RealSchur.Eigenvalues(s, blockStarts);
        ReconstructionError = Dense.FrobeniusOfDifference(w, Dense.Conjugate(q, s));
        double norm = Dense.Frobenius(w);
        RelativeReconstructionError = norm == 0 ? ReconstructionError : ReconstructionError / norm;
        OrthogonalityError = Dense.FrobeniusOfDifference(Dense.Multiply(Dense.Transpose(q), q), Dense.Identity(q.GetLength(0)));
    }

    public double[,] Q { get; }

    /// <summary>Quasi upper triangular; 2×2 blocks in standard form [[a, b], [c, a]].</summary>
    public double[,] S { get; }

    /// <summary>Index of the first row of each diagonal block, increasing.</summary>
    public int[] BlockStarts { get; }

    /// <summary>Eigenvalues in block order (a complex pair as a + ib, a − ib).</summary>
    public Complex[] Eigenvalues { get; }

    /// <summary>‖W − Q S Qᵀ‖_F.</summary>
    public double ReconstructionError { get; }

    /// <summary>‖W − Q S Qᵀ‖_F / ‖W‖_F.</summary>
    public double RelativeReconstructionError { get; }

    /// <summary>‖QᵀQ − I‖_F.</summary>
    public double OrthogonalityError { get; }
}
