using static TorchSharp.torch;

namespace NnRnn.Orthogonal;

/// <summary>The skew-symmetric map of expRNN/nnRNN: only the strict upper triangle of the free matrix counts.</summary>
public static class Skew
{
    /// <summary>skew(L) = triu(L, 1) − triu(L, 1)ᵀ.</summary>
    public static Tensor FromFree(Tensor free)
    {
        var upper = free.triu(1);
        return upper - upper.t();
    }

    /// <summary>Projects a gradient w.r.t. skew(L) back onto the free matrix: triu(G − Gᵀ, 1).</summary>
    public static Tensor GradientToFree(Tensor gradSkew) => (gradSkew - gradSkew.t()).triu(1);
}
