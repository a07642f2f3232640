using NnRnn.Orthogonal;
using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>The maps φ: skew → orthogonal of <see cref="OrthogonalMap"/>, differentiable.</summary>
public static class OrthogonalMaps
{
    /// <summary>φ(A) for a skew-symmetric (real) or skew-Hermitian (complex) A.</summary>
    public static Tensor Apply(OrthogonalMap map, Tensor a) => map switch
    {
        OrthogonalMap.Cayley => Cayley(a),
        _ => a.is_complex() ? MatrixExponential.Expm(a) : ExpmFrechetFunction.Apply(a),
    };

    /// <summary>The Cayley transform (I − A/2)⁻¹(I + A/2); the two factors commute, so one solve gives it.</summary>
    public static Tensor Cayley(Tensor a)
    {
        var id = eye(a.shape[0], dtype: a.dtype, device: a.device);
        var half = a / 2;
        return linalg.solve(id - half, id + half);
    }
}
