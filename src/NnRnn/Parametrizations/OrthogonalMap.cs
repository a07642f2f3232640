namespace NnRnn.Parametrizations;

/// <summary>The map φ from skew-symmetric (skew-Hermitian) matrices onto the orthogonal (unitary) group.</summary>
public enum OrthogonalMap
{
    /// <summary>φ(A) = expm(A) (expRNN); the gradient uses the Fréchet derivative of expm (Al-Mohy &amp; Higham 2009).</summary>
    Exp,

    /// <summary>φ(A) = (I − A/2)⁻¹(I + A/2), the Cayley transform (scoRNN-style); cheaper, misses matrices with eigenvalue −1.</summary>
    Cayley,
}
