using NnRnn.Blas;
using NnRnn.Devices;
using static TorchSharp.torch;

namespace NnRnn.Orthogonal;

/// <summary>
/// The matrix exponential by scaling and squaring with Padé approximants (Higham 2005, the
/// algorithm of scipy.linalg.expm and of the reference's expm port) and its Fréchet derivative
/// (Al-Mohy &amp; Higham 2009, Alg. 6.4). Written with tensor ops (matmul, solve), so both are also
/// differentiable by autograd. libtorch's own float32 matrix_exp is up to 3e-5 off on the golden
/// cases, which is why it is not used.
/// </summary>
public static class MatrixExponential
{
    // Padé coefficients b_0..b_m of r_m(x) = p_m(x)/p_m(−x).
    private static readonly double[] B3 = { 120, 60, 12, 1 };
    private static readonly double[] B5 = { 30240, 15120, 3360, 420, 30, 1 };
    private static readonly double[] B7 = { 17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1 };
    private static readonly double[] B9 = { 17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1 };
    private static readonly double[] B13 =
    {
        64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
        10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
    };

    // Largest ‖A‖₁ for which r_m meets double precision: expm (Higham 2005, Table 2.3) and
    // its Fréchet derivative (Al-Mohy & Higham 2009, Table 6.1).
    private static readonly (int M, double Theta)[] ExpmThetas =
        { (3, 1.495585217958292e-2), (5, 2.539398330063230e-1), (7, 9.504178996162932e-1), (9, 2.097847961257068) };
    private const double ExpmTheta13 = 5.371920351148152;
    private static readonly (int M, double Ell)[] FrechetElls = { (3, 1.08e-2), (5, 2.00e-1), (7, 7.83e-1), (9, 1.78) };
    private const double FrechetEll13 = 4.74;

    /// <summary>expm(A) for a square matrix A.</summary>
    public static Tensor Expm(Tensor a)
    {
        var (r, factors) = ExpmWithFactors(a);
        factors.Dispose();
        return r;
    }

    /// <summary>
    /// expm(A) and the Padé pieces it was built from. They depend on even powers of A only (U is
    /// odd), so <see cref="FrechetOfSkewAtNegated"/> reuses them for Dexp(−A): the orthogonal step's
    /// gradient (Al-Mohy &amp; Higham 2009, Alg. 6.4 at −A) then skips five to six of its products.
    /// </summary>
    internal static (Tensor Expm, PadeFactors Factors) ExpmWithFactors(Tensor a)
    {
        using var scope = NewDisposeScope();
        double norm = OneNorm(a);
        var (m, s) = ExpmDegree(norm);
        var scaled = s > 0 ? a / Math.Pow(2, s) : a;
        var f = PadeUV(scaled, m, s);
        Tensor r;
        if (is_grad_enabled() && a.requires_grad) r = linalg.solve(f.V - f.U, f.U + f.V);
        else
        {
            // Kept for the skew derivative at −A: its Padé denominator is this one's transpose.
            var (lu, pivotsOrNull) = linalg.lu_factor(f.V - f.U);
            var pivots = pivotsOrNull!;
            r = linalg.lu_solve(lu, pivots, f.U + f.V);
            f.Denominator = (lu, pivots);
        }
        var chain = new Tensor[s];
        for (int k = 0; k < s; k++) { chain[k] = r; r = Mm(r, r); }
        f.Chain = chain;
        f.MoveToOuterDisposeScope();
        f.Expm = r.MoveToOuterDisposeScope();
        return (r, f);
    }

    /// <summary>How many derivatives on this thread reused forward factors (tests check the reuse happens).</summary>
    [ThreadStatic] internal static int ReusedOnThisThread;

    private static (int M, int S) ExpmDegree(double norm)
    {
        foreach (var (m, theta) in ExpmThetas)
            if (norm <= theta) return (m, 0);
        return (13, Squarings(norm, ExpmTheta13));
    }

    private static (int M, int S) FrechetDegree(double norm)
    {
        foreach (var (m, ell) in FrechetElls)
            if (norm <= ell) return (m, 0);
        return (13, Squarings(norm, FrechetEll13));
    }

    /// <summary>Dexp(A)[E], the Fréchet derivative of expm at A in the direction E.</summary>
    public static Tensor Frechet(Tensor a, Tensor e) => ExpmAndFrechet(a, e).Frechet;

    /// <summary>expm(A) and Dexp(A)[E] together (Al-Mohy &amp; Higham 2009, Alg. 6.4).</summary>
    public static (Tensor Expm, Tensor Frechet) ExpmAndFrechet(Tensor a, Tensor e) => ExpmAndFrechet(a, e, null);

    /// <summary>
    /// Dexp(−A)[E] for skew-symmetric A and E (the orthogonal step), optionally from the factors of
    /// expm(A). Skew symmetry saves work: E A = (A E)ᵀ, so L(A², E) = A E + E A, and every L(A^{2k}, E),
    /// take one product each (<see cref="SkewEvenDerivatives"/>); and with the factors, the Padé quotient at −A and its squarings are
    /// the transposes of those at A (r_m(−A) = r_m(A)⁻¹ = r_m(A)ᵀ, V symmetric and U skew), its
    /// denominator V + U is (V − U)ᵀ, solved with the forward's LU factors.
    /// </summary>
    internal static Tensor FrechetOfSkewAtNegated(Tensor a, Tensor e, PadeFactors? factorsOfA)
    {
        using var scope = NewDisposeScope();
        var minusA = -a;
        return ExpmAndFrechet(minusA, e, factorsOfA, skew: true).Frechet.MoveToOuterDisposeScope();
    }

    // `negatedFactors`, when given, were computed at −A.
    private static (Tensor Expm, Tensor Frechet) ExpmAndFrechet(Tensor a, Tensor e, PadeFactors? negatedFactors, bool skew = false)
    {
        using var scope = NewDisposeScope();
        double norm = OneNorm(a);
        var (m, s) = FrechetDegree(norm);
        var reuse = negatedFactors is { } nf && nf.Degree == m && nf.Squarings == s ? nf : null;
        if (reuse is not null) ReusedOnThisThread++;
        if (s > 0) { a = a / Math.Pow(2, s); e = e / Math.Pow(2, s); }
        var (u, v, lu, lv) = m == 13 ? Pade13WithDerivative(a, e, reuse, skew) : PadeWithDerivative(a, e, m, reuse, skew);
        if (skew && reuse is { Denominator: { } d, Chain: { } chain })
        {
            var rf = chain.Length > 0 ? chain[0] : reuse.Expm!;                 // r_m(A/2^s), the forward's quotient
            var lt = linalg.lu_solve(d.Lu, d.Pivots, Mm(lu - lv, rf.t(), lu + lv), adjoint: true);
            for (int k = 0; k < s; k++) { var rk = chain[k].t(); lt = Mm(rk, lt, Mm(lt, rk)); }
            return (reuse.Expm!.t().MoveToOuterDisposeScope(), lt.MoveToOuterDisposeScope());
        }
        var q = v - u;
        var r = linalg.solve(q, u + v);
        var l = linalg.solve(q, Mm(lu - lv, r, lu + lv));
        for (int k = 0; k < s; k++)
        {
            l = Mm(r, l, Mm(l, r));
            r = Mm(r, r);
        }
        return (r.MoveToOuterDisposeScope(), l.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// x·y (+ z) in a new tensor: through <see cref="Gemm"/> (the faster BLAS for the shape, measured;
    /// oneMKL runs without its AVX-512 kernels on AMD CPUs) and z accumulated in the product's β, or
    /// with matmul where autograd needs the product (the autograd route differentiates through expm).
    /// </summary>
    internal static Tensor Mm(Tensor x, Tensor y, Tensor? z = null)
    {
        if (is_grad_enabled() && (x.requires_grad || y.requires_grad || z?.requires_grad == true))
            return z is null ? x.matmul(y) : x.matmul(y) + z;
        var c = Pooled(x.shape[0], y.shape[1], x);
        if (z is not null) c.copy_(z);
        Gemm.MultiplyInto(c, x, y, beta: z is null ? 0 : 1);
        return c;
    }

    /// <summary>
    /// Σ c_k T_k + c_I I in one buffer, added in place, or as plain expressions where autograd needs
    /// the sum. The buffer comes from <see cref="TensorMemoryPool"/> at N ≥ 512: the same memory every
    /// update, instead of fresh blocks that fragment the heap between the recurrence's buffers.
    /// </summary>
    private static Tensor Sum(double identity, params (double C, Tensor T)[] terms)
    {
        var first = terms[0].T;
        if (is_grad_enabled() && terms.Any(t => t.T.requires_grad))
        {
            var sum = terms[0].C * first;
            foreach (var (c, t) in terms.Skip(1)) sum = sum + c * t;
            return identity == 0 ? sum : sum + identity * Eye(first);
        }
        var r = Pooled(first.shape[0], first.shape[1], first);
        r.copy_(first).mul_(terms[0].C);
        foreach (var (c, t) in terms.Skip(1)) r.add_(t, alpha: c);
        if (identity != 0) r.diagonal().add_(identity);
        return r;
    }

    /// <summary>
    /// L(A², E), L(A⁴, E), … L(A^{2K}, E) (K ≤ 4) for skew A and E, one product each: with A² and
    /// M₂ = L(A², E) symmetric, L(A^{2k}, E) = Σ_{i+j=k−1} A^{2i} M₂ A^{2j} = Y + Yᵀ where
    /// Y = A²M₂ (k = 2), A²(A²M₂ + ½M₂A²) (k = 3), A⁴ L(A⁴, E) (k = 4), and M₂A² = (A²M₂)ᵀ.
    /// </summary>
    private static Tensor[] SkewEvenDerivatives(Tensor a2, Tensor? a4, Tensor m2, int count)
    {
        var d = new Tensor[count];
        d[0] = m2;
        if (count < 2) return d;
        var p = Mm(a2, m2);
        d[1] = PlusTranspose(p);
        if (count < 3) return d;
        var h = Pooled(p.shape[0], p.shape[1], p);
        h.copy_(p).add_(p.t(), alpha: 0.5);
        d[2] = PlusTranspose(Mm(a2, h));
        if (count < 4) return d;
        d[3] = PlusTranspose(Mm(a4!, d[1]));
        return d;
    }

    // X + Xᵀ (a new buffer: adding a tensor's own transpose in place would read what it overwrites).
    private static Tensor PlusTranspose(Tensor x)
    {
        if (is_grad_enabled() && x.requires_grad) return x + x.t();
        var r = Pooled(x.shape[0], x.shape[1], x);
        return r.copy_(x).add_(x.t());
    }

    private static Tensor Pooled(long m, long n, Tensor like)
        => TensorMemoryPool.Empty(new[] { m, n }, like.dtype, like.device, minimumBytes: 1 << 20);

    private static double OneNorm(Tensor a)
    {
        using var _ = no_grad();
        return a.detach().abs().sum(0, false).max().to_type(ScalarType.Float64).item<double>();
    }

    private static int Squarings(double norm, double theta)
        => norm <= theta ? 0 : Math.Max(0, (int)Math.Ceiling(Math.Log2(norm / theta)));

    private static Tensor Eye(Tensor like) => eye(like.shape[0], dtype: like.dtype, device: like.device);

    /// <summary>U = A Σ b_{2k+1} A^{2k}, V = Σ b_{2k} A^{2k} for m ∈ {3, 5, 7, 9, 13}, with the pieces kept.</summary>
    private static PadeFactors PadeUV(Tensor a, int m, int s)
    {
        var id = Eye(a);
        var a2 = Mm(a, a);
        if (m == 13)
        {
            var a4 = Mm(a2, a2);
            var a6 = Mm(a4, a2);
            var (w1, w2, z1, z2) = Pade13Sums(id, a2, a4, a6);
            var w = Mm(a6, w1, w2);
            return new PadeFactors(m, s, new[] { id, a2, a4, a6 }, Mm(a, w), Mm(a6, z1, z2), w, w1, z1);
        }
        var c = m switch { 3 => B3, 5 => B5, 7 => B7, _ => B9 };
        var powers = new List<Tensor> { id, a2 };                       // A^0, A^2, A^4, ...
        for (int k = 2; 2 * k <= m; k++) powers.Add(Mm(powers[^1], a2));
        var odd = Sum(c[1], Enumerable.Range(1, powers.Count - 1).Select(k => (c[2 * k + 1], powers[k])).ToArray());
        var even = Sum(c[0], Enumerable.Range(1, powers.Count - 1).Select(k => (c[2 * k], powers[k])).ToArray());
        return new PadeFactors(m, s, powers.ToArray(), Mm(a, odd), even, odd, null, null);
    }

    // The degree-13 sums: W = A⁶ W₁ + W₂, Z = A⁶ Z₁ + Z₂ (Higham 2005, eq. 2.4's grouping).
    private static (Tensor W1, Tensor W2, Tensor Z1, Tensor Z2) Pade13Sums(Tensor id, Tensor a2, Tensor a4, Tensor a6)
    {
        var b = B13;
        return (Sum(0, (b[13], a6), (b[11], a4), (b[9], a2)),
                Sum(b[1], (b[7], a6), (b[5], a4), (b[3], a2)),
                Sum(0, (b[12], a6), (b[10], a4), (b[8], a2)),
                Sum(b[0], (b[6], a6), (b[4], a4), (b[2], a2)));
    }

    /// <summary>U, V and their derivatives Lu, Lv in direction E for m ∈ {3, 5, 7, 9}.</summary>
    private static (Tensor U, Tensor V, Tensor Lu, Tensor Lv) PadeWithDerivative(Tensor a, Tensor e, int m, PadeFactors? negated, bool skew)
    {
        var c = m switch { 3 => B3, 5 => B5, 7 => B7, _ => B9 };
        var id = negated?.EvenPowers[0] ?? Eye(a);
        var a2 = negated?.EvenPowers[1] ?? Mm(a, a);
        var m2 = skew ? PlusTranspose(Mm(a, e)) : Mm(a, e, Mm(e, a));
        var powers = new List<Tensor> { id, a2 };          // A^{2k}
        var derivs = new List<Tensor> { m2, m2 };            // L(A^{2k}, E) from k = 1 (the first is a placeholder)
        for (int k = 2; 2 * k <= m; k++)
        {
            if (!skew) derivs.Add(Mm(powers[^1], m2, Mm(derivs[^1], a2)));
            powers.Add(negated?.EvenPowers[k] ?? Mm(powers[^1], a2));
        }
        if (skew) derivs.AddRange(SkewEvenDerivatives(a2, powers.Count > 2 ? powers[2] : null, m2, powers.Count - 1).Skip(1));
        var terms = Enumerable.Range(1, powers.Count - 1).ToArray();
        var lodd = Sum(0, terms.Select(k => (c[2 * k + 1], derivs[k])).ToArray());
        var leven = Sum(0, terms.Select(k => (c[2 * k], derivs[k])).ToArray());
        var (odd, even) = negated is not null ? (negated.OddSum, negated.V)
            : (Sum(c[1], terms.Select(k => (c[2 * k + 1], powers[k])).ToArray()), Sum(c[0], terms.Select(k => (c[2 * k], powers[k])).ToArray()));
        var u = negated is null ? Mm(a, odd) : -negated.U;   // U is odd in A
        return (u, even, Mm(a, lodd, Mm(e, odd)), leven);
    }

    private static (Tensor U, Tensor V, Tensor Lu, Tensor Lv) Pade13WithDerivative(Tensor a, Tensor e, PadeFactors? negated, bool skew)
    {
        var b = B13;
        var id = negated?.EvenPowers[0] ?? Eye(a);
        var a2 = negated?.EvenPowers[1] ?? Mm(a, a);
        var a4 = negated?.EvenPowers[2] ?? Mm(a2, a2);
        var a6 = negated?.EvenPowers[3] ?? Mm(a4, a2);
        var m2 = skew ? PlusTranspose(Mm(a, e)) : Mm(a, e, Mm(e, a));
        Tensor m4, m6;
        if (skew)
        {
            var d = SkewEvenDerivatives(a2, a4, m2, 3);
            (m4, m6) = (d[1], d[2]);
        }
        else
        {
            m4 = Mm(a2, m2, Mm(m2, a2));
            m6 = Mm(a4, m2, Mm(m4, a2));
        }
        Tensor w1, z1, w, u, v;
        if (negated is null)
        {
            Tensor w2, z2;
            (w1, w2, z1, z2) = Pade13Sums(id, a2, a4, a6);
            w = Mm(a6, w1, w2);
            (u, v) = (Mm(a, w), Mm(a6, z1, z2));
        }
        else
            (w1, z1, w, u, v) = (negated.W1!, negated.Z1!, negated.OddSum, -negated.U, negated.V);
        var lw1 = Sum(0, (b[13], m6), (b[11], m4), (b[9], m2));
        var lw2 = Sum(0, (b[7], m6), (b[5], m4), (b[3], m2));
        var lz1 = Sum(0, (b[12], m6), (b[10], m4), (b[8], m2));
        var lz2 = Sum(0, (b[6], m6), (b[4], m4), (b[2], m2));
        var lw = Mm(a6, lw1, Mm(m6, w1, lw2));
        return (u, v, Mm(a, lw, Mm(e, w)), Mm(a6, lz1, Mm(m6, z1, lz2)));
    }
}

/// <summary>
/// The pieces of one Padé approximant r_m(A/2^s) = (V − U)⁻¹(V + U): the even powers A^0, A^2, …,
/// the odd sum W with U = A W, V, and for m = 13 the inner sums W₁, Z₁. All but U are even in A.
/// </summary>
internal sealed class PadeFactors : IDisposable
{
    public PadeFactors(int degree, int squarings, Tensor[] evenPowers, Tensor u, Tensor v, Tensor oddSum, Tensor? w1, Tensor? z1)
        => (Degree, Squarings, EvenPowers, U, V, OddSum, W1, Z1) = (degree, squarings, evenPowers, u, v, oddSum, w1, z1);

    public int Degree { get; }
    public int Squarings { get; }
    public Tensor[] EvenPowers { get; }
    public Tensor U { get; }
    public Tensor V { get; }
    public Tensor OddSum { get; }
    public Tensor? W1 { get; }
    public Tensor? Z1 { get; }

    /// <summary>LU factors of the denominator V − U (null where autograd needed the solve).</summary>
    public (Tensor Lu, Tensor Pivots)? Denominator { get; set; }

    /// <summary>The quotient before each of the s squarings: r, r², r⁴, … (empty without squarings).</summary>
    public Tensor[]? Chain { get; set; }

    /// <summary>expm(A) itself: not owned (its caller keeps it as long as these factors, e.g. the parametrization's cached B).</summary>
    public Tensor? Expm { get; set; }

    private IEnumerable<Tensor> All => EvenPowers.Concat(new[] { U, V, OddSum })
        .Concat(new[] { W1, Z1, Denominator?.Lu, Denominator?.Pivots }.OfType<Tensor>()).Concat(Chain ?? []);

    public void DetachFromDisposeScope()
    {
        foreach (var t in All.Distinct()) t.DetachFromDisposeScope();
    }

    public void MoveToOuterDisposeScope()
    {
        foreach (var t in All.Distinct()) t.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var t in All.Distinct()) t.Dispose();
    }
}
