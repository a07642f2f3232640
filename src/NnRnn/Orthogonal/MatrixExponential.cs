using static TorchSharp.torch;

namespace NnRnn.Orthogonal;

/// <summary>The matrix exponential and its Fréchet derivative.</summary>
public static class MatrixExponential
{
    /// <summary>expm(A).</summary>
    public static Tensor Expm(Tensor a) => linalg.matrix_exp(a);

    /// <summary>
    /// Dexp(A)[E], the Fréchet derivative of expm at A in direction E, read off the block identity
    /// expm([[A, E], [0, A]]) = [[expm A, Dexp(A)[E]], [0, expm A]] (Higham, Functions of Matrices, §3.2).
    /// </summary>
    public static Tensor Frechet(Tensor a, Tensor e)
    {
        long n = a.shape[0];
        using var zero = zeros_like(a);
        using var top = cat(new[] { a, e }, 1);
        using var bottom = cat(new[] { zero, a }, 1);
        using var block = cat(new[] { top, bottom }, 0);
        using var big = linalg.matrix_exp(block);
        return big[..(int)n, (int)n..].clone();
    }
}
