using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>
/// The real Schur form of nnRNN (Kerg et al. 2019, eq. 5): W = P (Λ + T ⊙ M) Pᵀ with P orthogonal,
/// Λ = blockdiag(γ_k R(θ_k)) and T ⊙ M strictly upper triangular (the non-normal part).
/// </summary>
public static class SchurForm
{
    /// <summary>Λ = blockdiag(γ_k [[cos θ_k, −sin θ_k], [sin θ_k, cos θ_k]]), built with tensor ops.</summary>
    public static Tensor BlockRotation(Tensor theta, Tensor gamma)
    {
        long k = theta.shape[0];
        var c = theta.cos() * gamma;
        var s = theta.sin() * gamma;
        var blocks = stack(new[] { c, -s, s, c }, 1).view(k, 2, 1, 2);      // [k, a, ·, b]
        var identity = eye(k, dtype: theta.dtype, device: theta.device).view(k, 1, k, 1); // δ_ij
        return (identity * blocks).reshape(2 * k, 2 * k);                   // Λ[2i+a, 2j+b] = δ_ij block_i[a,b]
    }

    /// <summary>W = P (Λ(θ, γ) + triu(T, 1)) Pᵀ.</summary>
    public static Tensor Compose(Tensor p, Tensor theta, Tensor gamma, Tensor t)
    {
        var core = BlockRotation(theta, gamma) + t.triu(1);
        return p.matmul(core).matmul(p.t());
    }
}
