using NnRnn.Cells;
using NnRnn.Randomness;
using static TorchSharp.torch;

namespace NnRnn.Orthogonal;

/// <summary>
/// Initial skew-symmetric coordinates for orthogonal factors (paper §5, supplement): henaff, cayley
/// and random orthogonal. henaff/cayley put s_k on the first super-diagonal at (0,1),(2,3),… and
/// antisymmetrise, giving a block-diagonal rotation after expm.
/// </summary>
public static class SkewInitializers
{
    /// <summary>Builds the initial coordinate for <paramref name="scheme"/> (float32).</summary>
    public static Tensor Create(Initializer scheme, long n, Generator? generator = null) => scheme switch
    {
        Initializer.Henaff => Henaff(rand(n / 2, float64, generator: generator), n),
        Initializer.Cayley => Cayley(rand(n / 2, float64, generator: generator), n),
        Initializer.Random => RandomOrthogonal(n, generator),
        _ => throw new ArgumentException($"not an orthogonal initialiser: {SeedNames.Of(scheme)} (expected henaff, cayley or random)", nameof(scheme)),
    };

    /// <summary>
    /// The same coordinate drawn from numpy's stream as the reference's expRNN/initialization.py draws
    /// it: henaff <c>uniform(−π, 0, n/2)</c>, cayley <c>uniform(0, π/2, n/2)</c>, random from
    /// <c>normal(size=(n, n))</c>; so a seed gives the reference's very initial matrix.
    /// </summary>
    public static Tensor Create(Initializer scheme, long n, NumpyRandomState numpy) => scheme switch
    {
        Initializer.Henaff => BlockDiagonal(tensor(numpy.Uniform(-Math.PI, 0, (int)(n / 2))), n),
        Initializer.Cayley => CayleyFromAngles(tensor(numpy.Uniform(0, Math.PI / 2, (int)(n / 2))), n),
        Initializer.Random => RandomOrthogonal(n, () => tensor(numpy.Normal((int)(n * n))).reshape(n, n)),
        _ => throw new ArgumentException($"not an orthogonal initialiser: {SeedNames.Of(scheme)} (expected henaff, cayley or random)", nameof(scheme)),
    };

    /// <summary>
    /// Takes from numpy's stream what <see cref="Create(Initializer, long, NumpyRandomState)"/> would,
    /// without building the coordinate: for a draw the reference makes and discards, so the stream
    /// stays where the reference leaves it (random: the Gaussian matrices and the det test, no logm).
    /// </summary>
    public static void Discard(Initializer scheme, long n, NumpyRandomState numpy)
    {
        switch (scheme)
        {
            case Initializer.Henaff or Initializer.Cayley: numpy.Uniform(0, 1, (int)(n / 2)); break;
            case Initializer.Random: SpecialOrthogonal(n, () => tensor(numpy.Normal((int)(n * n))).reshape(n, n)).Dispose(); break;
            default: throw new ArgumentException($"not an orthogonal initialiser: {SeedNames.Of(scheme)} (expected henaff, cayley or random)", nameof(scheme));
        }
    }

    /// <summary>henaff: s_k = −π + π·u_k, u ~ U[0,1) (i.e. s ~ U(−π, 0)); an n×n coordinate (default 2·len(u)).</summary>
    public static Tensor Henaff(Tensor uniform01, long? n = null)
        => BlockDiagonal(-Math.PI + Math.PI * uniform01.to_type(float64), n ?? uniform01.shape[0] * 2);

    /// <summary>cayley: u ~ U(0, π/2), s_k = −sqrt((1 − cos u)/(1 + cos u)); an n×n coordinate (default 2·len(u)).</summary>
    public static Tensor Cayley(Tensor uniform01, long? n = null) => CayleyFromAngles((Math.PI / 2) * uniform01.to_type(float64), n);

    /// <summary>cayley from angles u ∈ [0, π/2): s_k = −sqrt((1 − cos u)/(1 + cos u)); for odd n the last row/column stays zero.</summary>
    public static Tensor CayleyFromAngles(Tensor u, long? n = null)
    {
        var c = u.to_type(float64).cos();
        return BlockDiagonal(-((1 - c) / (1 + c)).sqrt(), n ?? u.shape[0] * 2);
    }

    /// <summary>
    /// create_diag: d = zeros(n−1); d[::2] = s; A = diag(d, 1); A − Aᵀ; cast to float32.
    /// For odd n the last row/column stays zero.
    /// </summary>
    public static Tensor BlockDiagonal(Tensor s, long n)
    {
        var d = zeros(n - 1, float64);
        var idx = arange(0, 2 * s.shape[0], 2, int64);
        d.index_put_(s.to_type(float64), idx);
        var a = diag(d, 1);
        return (a - a.t()).to_type(float32);
    }

    /// <summary>
    /// random: Q from QR of a Gaussian matrix with columns scaled by sign(diag Q), redrawn until
    /// det Q ≥ 0; A = real(logm Q).
    /// </summary>
    public static Tensor RandomOrthogonal(long n, Generator? generator = null) => RandomOrthogonal(n, () => randn(n, n, float64, generator: generator));

    /// <summary>random, with each Gaussian n×n matrix from <paramref name="gaussian"/> (float64).</summary>
    private static Tensor RandomOrthogonal(long n, Func<Tensor> gaussian)
    {
        using var q = SpecialOrthogonal(n, gaussian);
        return OrthogonalLog(q).to_type(float32);
    }

    /// <summary>Q from QR of Gaussian matrices, columns scaled by sign(diag Q), redrawn until det Q ≥ 0.</summary>
    private static Tensor SpecialOrthogonal(long n, Func<Tensor> gaussian)
    {
        for (int attempt = 0; ; attempt++)
        {
            var (q, _) = linalg.qr(gaussian());
            q = q * q.diagonal().sign().unsqueeze(0);
            if (linalg.det(q).item<double>() >= 0) return q;
            if (attempt > 1000) throw new InvalidOperationException("random orthogonal init: no det +1 draw");
        }
    }

    /// <summary>
    /// Real logarithm of a special orthogonal matrix, through its eigen-decomposition
    /// Q = V diag(e^{iφ}) V⁻¹: log Q = real(V diag(iφ) V⁻¹), made exactly skew-symmetric.
    /// </summary>
    public static Tensor OrthogonalLog(Tensor q)
    {
        var (values, vectors) = linalg.eig(q.to_type(float64));
        var logs = values.log();
        var a = vectors.matmul(diag_embed(logs)).matmul(linalg.inv(vectors)).real;
        return 0.5 * (a - a.t());
    }
}
