namespace NnRnn.Parametrizations;

/// <summary>Distributions of initial points for orthogonal and unitary weights (<c>Sample</c>).</summary>
public enum OrthogonalInit
{
    /// <summary>Haar-uniform: Q of the QR of a Gaussian matrix with the signs (phases) of diag R fixed.</summary>
    Haar,

    /// <summary>Henaff et al. 2016: 2×2 rotation blocks with angles s ~ U(−π, 0) (paper §5).</summary>
    Henaff,

    /// <summary>The nnRNN/scoRNN "cayley" init: blocks with s = −sqrt((1 − cos u)/(1 + cos u)), u ~ U(0, π/2).</summary>
    Cayley,

    /// <summary>Torus: 2×2 rotation blocks with angles uniform on (−π, π) (geotorch's torus init).</summary>
    Torus,
}
