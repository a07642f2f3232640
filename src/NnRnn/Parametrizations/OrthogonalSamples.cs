using NnRnn.Orthogonal;
using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>Draws orthogonal and unitary matrices (float64 / complex128) from the <see cref="OrthogonalInit"/> distributions.</summary>
public static class OrthogonalSamples
{
    /// <summary>An n×n orthogonal matrix from <paramref name="init"/>; with <paramref name="special"/> its determinant is +1.</summary>
    public static Tensor Orthogonal(long n, OrthogonalInit init, bool special = false, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var q = init switch
        {
            OrthogonalInit.Haar => Haar(n, generator),
            OrthogonalInit.Henaff => ExpOfSkew(SkewInitializers.Henaff(rand(n / 2, float64, generator: generator), n)),
            OrthogonalInit.Cayley => ExpOfSkew(SkewInitializers.Cayley(rand(n / 2, float64, generator: generator), n)),
            _ => ExpOfSkew(SkewInitializers.BlockDiagonal(-Math.PI + 2 * Math.PI * rand(n / 2, float64, generator: generator), n)),
        };
        if (special && linalg.det(q).item<double>() < 0) q[TensorIndex.Colon, 0] = -q[TensorIndex.Colon, 0];
        return q.MoveToOuterDisposeScope();
    }

    /// <summary>An n×n unitary matrix (complex128): Haar-uniform, or one of the real samples seen as complex.</summary>
    public static Tensor Unitary(long n, OrthogonalInit init, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        if (init != OrthogonalInit.Haar) return Orthogonal(n, init, false, generator).to_type(complex128).MoveToOuterDisposeScope();
        var z = complex(randn(n, n, float64, generator: generator), randn(n, n, float64, generator: generator));
        var (q, r) = linalg.qr(z);
        var d = r.diagonal();
        return (q * (d / d.abs()).unsqueeze(0)).MoveToOuterDisposeScope();
    }

    /// <summary>The orthogonal (unitary) factor U Vᴴ of the polar decomposition: the closest such matrix to <paramref name="w"/>.</summary>
    public static Tensor Polar(Tensor w, bool special = false)
    {
        using var scope = NewDisposeScope();
        var (u, _, vh) = linalg.svd(w, fullMatrices: false);
        var q = u.matmul(vh);
        if (special && !q.is_complex() && linalg.det(q.to_type(float64)).item<double>() < 0)
            q = u.matmul(diag(cat(new[] { ones(u.shape[0] - 1, u.dtype), -ones(1, u.dtype) }))).matmul(vh);
        return q.MoveToOuterDisposeScope();
    }

    private static Tensor Haar(long n, Generator? generator)
    {
        var (q, r) = linalg.qr(randn(n, n, float64, generator: generator));
        return q * r.diagonal().sign().unsqueeze(0);
    }

    private static Tensor ExpOfSkew(Tensor a) => MatrixExponential.Expm(a.to_type(float64));
}
