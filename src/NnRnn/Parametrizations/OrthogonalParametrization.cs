using NnRnn.Orthogonal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>
/// An orthogonal matrix B = base · φ(skew(log)) parametrised by a free square matrix <c>log</c>
/// whose strict upper triangle is the skew-symmetric coordinate (expRNN; nnRNN's Schur basis P),
/// φ = expm or Cayley, base a fixed orthogonal matrix (identity when absent). With dynamic
/// trivialisation (Lezcano-Casado 2019, "dtriv") base ← B and log ← 0 every K optimizer updates.
/// </summary>
public sealed class OrthogonalParametrization : ConstrainedParameter
{
    private enum Route { Deferred, Node, Autograd }

    private readonly Parameter log;
    private readonly Route route;
    private readonly Tensor? basis;
    private Tensor? matrix;
    private PadeFactors? factors;   // of expm at skew(log), reused by the deferred Fréchet gradient
    private Tensor? lastSeen;

    /// <summary>
    /// The cells' factor: B = expm(skew(log)) with no base, the gradient reaching <c>log</c> by
    /// <paramref name="gradient"/> (the reference's deferred Fréchet step, or autograd).
    /// </summary>
    /// <param name="initialLog">n×n matrix whose skew part is the initial coordinate (e.g. from <see cref="SkewInitializers"/>).</param>
    /// <param name="gradient">How the loss gradient reaches the skew coordinate.</param>
    public OrthogonalParametrization(Tensor initialLog, OrthogonalGradient gradient = OrthogonalGradient.Frechet)
        : base("OrthogonalParametrization")
    {
        RequireSquareReal(initialLog, "an orthogonal parametrisation");
        log = new Parameter(initialLog.detach().clone());
        route = gradient == OrthogonalGradient.Frechet ? Route.Deferred : Route.Autograd;
        register_parameter("log", log);
    }

    /// <summary>
    /// B = base · φ(skew(log)) starting at <paramref name="initial"/> (an orthogonal n×n matrix: base = it, log = 0),
    /// gradients reaching <c>log</c> inside backward, so any optimizer trains it.
    /// </summary>
    /// <param name="initial">The starting point, orthogonal (see <see cref="OrthogonalSamples"/>); its dtype is kept.</param>
    /// <param name="map">φ: expm (Fréchet-derivative gradient) or Cayley (autograd through a solve).</param>
    /// <param name="special">Keep det B = +1 (SO(n)): <see cref="Sample"/> draws only such points.</param>
    /// <param name="dtrivEvery">Re-base every this many optimizer updates (0: never, a static trivialisation).</param>
    public OrthogonalParametrization(Tensor initial, OrthogonalMap map, bool special = false, int dtrivEvery = 0)
        : base("OrthogonalParametrization")
    {
        RequireSquareReal(initial, "an orthogonal parametrisation");
        if (dtrivEvery < 0) throw new ParametrizationException($"dtrivEvery must be >= 0 (0 turns dynamic trivialisation off), got {dtrivEvery}.");
        log = new Parameter(zeros(initial.shape, initial.dtype, initial.device));
        basis = initial.detach().contiguous().clone().DetachFromDisposeScope();
        Map = map;
        Special = special;
        DtrivEvery = dtrivEvery;
        route = map == OrthogonalMap.Exp ? Route.Node : Route.Autograd;
        register_parameter("log", log);
        register_buffer("base", basis);
    }

    /// <summary>The free parameter (only its strict upper triangle matters).</summary>
    public Parameter Log => log;

    /// <summary>The fixed orthogonal factor in front of φ, or null (identity).</summary>
    public Tensor? Base => basis;

    /// <summary>φ, the map from the skew coordinate onto the group.</summary>
    public OrthogonalMap Map { get; } = OrthogonalMap.Exp;

    /// <summary>Whether the weight stays in SO(n) (determinant +1).</summary>
    public bool Special { get; }

    /// <summary>Re-base every this many optimizer updates (0: never).</summary>
    public int DtrivEvery { get; }

    /// <summary>Optimizer updates seen so far (counted when a read finds <c>log</c> changed; only with dtriv).</summary>
    public long Updates { get; private set; }

    /// <summary>Which gradient route the cells' constructor chose; the generic one reports <see cref="OrthogonalGradient.Frechet"/> for expm.</summary>
    public OrthogonalGradient Gradient => route == Route.Autograd && Map == OrthogonalMap.Exp ? OrthogonalGradient.Autograd : OrthogonalGradient.Frechet;

    /// <inheritdoc/>
    public override long Size => log.shape[0];

    /// <summary>B, the orthogonal matrix (same as <see cref="ConstrainedParameter.Value"/>).</summary>
    public Tensor Matrix() => Value;

    /// <inheritdoc/>
    protected override Tensor ReadValue()
    {
        if (route != Route.Deferred) return base.ReadValue();
        // The reference's route: B is a cached leaf that collects dL/dB and is rebuilt only after Refresh.
        if (matrix is null || matrix.IsInvalid)
        {
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                (matrix, factors) = MatrixExponential.ExpmWithFactors(Skew.FromFree(log));
                matrix.requires_grad_(true).DetachFromDisposeScope();
                factors.DetachFromDisposeScope();
            }
        }
        return matrix;
    }

    /// <inheritdoc/>
    protected override Tensor Compute()
    {
        var a = Skew.FromFree(log);
        var phi = route == Route.Autograd && basis is null ? MatrixExponential.Expm(a) : OrthogonalMaps.Apply(Map, a);
        return basis is null ? phi : basis.matmul(phi);
    }

    /// <inheritdoc/>
    protected internal override Tensor[] FreeTensors() => new Tensor[] { log };

    /// <inheritdoc/>
    public override double ManifoldError()
    {
        using var _ = no_grad();
        return OrthogonalityError(Value);
    }

    /// <summary>Dynamic trivialisation: counts updates and re-bases every <see cref="DtrivEvery"/>.</summary>
    protected override void BeforeRead()
    {
        if (DtrivEvery == 0) return;
        using var _ = no_grad();
        if (lastSeen is null) { lastSeen = log.detach().clone().DetachFromDisposeScope(); return; }
        if (log.detach().equal(lastSeen).all().item<bool>()) return;
        Updates++;
        lastSeen.copy_(log);
        if (Updates % DtrivEvery == 0) Rebase();
    }

    /// <summary>base ← B, log ← 0: the weight is unchanged, the coordinate restarts at the origin where φ is best conditioned.</summary>
    public void Rebase()
    {
        if (basis is null) throw new ParametrizationException("this factor has no base (a cell's factor); build it with an initial matrix to re-base it.");
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var b = Compute();
            basis.copy_(b);
            log.zero_();
            lastSeen?.zero_();
        }
        Invalidate();
    }

    /// <summary>Moves the weight to a draw from <paramref name="init"/> (det +1 when <see cref="Special"/>).</summary>
    public void Sample(OrthogonalInit init = OrthogonalInit.Haar, Generator? generator = null)
    {
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var q = OrthogonalSamples.Orthogonal(Size, init, Special || basis is null, generator);
            if (basis is null) log.copy_(SkewInitializers.OrthogonalLog(q).triu(1));
            else { basis.copy_(q); log.zero_(); }
            lastSeen?.zero_();
        }
        Refresh();
    }

    /// <summary>
    /// Deferred route: turns G = dL/dB into dL/dlog and accumulates it in <c>log.grad</c>, then
    /// clears B's gradient. A no-op on the other routes (their gradient reached log in backward).
    /// </summary>
    public void BackpropagateToLog()
    {
        if (route != Route.Deferred || matrix is null) return;
        var g = matrix.grad;
        if (g is null) return;
        using (no_grad())
        {
            using var logGrad = LogGradient(log, matrix, g, factors);
            AccumulateGrad(log, logGrad);
            g.zero_();
        }
    }

    /// <summary>Drops the cached B after <c>log</c> changed (an optimizer step or a load).</summary>
    public void Refresh()
    {
        matrix?.Dispose();
        matrix = null;
        factors?.Dispose();
        factors = null;
        Invalidate();
    }

    /// <summary>
    /// The reference's orthogonal step gradient: with A = skew(L), B = expm(A), G = dL/dB,
    /// grad = ½(BᵀG − GᵀB), F = B · Dexp(−A)[grad], dL/dL = triu(F − Fᵀ, 1).
    /// </summary>
    public static Tensor LogGradient(Tensor free, Tensor b, Tensor g) => LogGradient(free, b, g, null);

    // With the factors of expm(A) the derivative at −A reuses them (bit for bit the same result).
    internal static Tensor LogGradient(Tensor free, Tensor b, Tensor g, PadeFactors? factorsOfA)
    {
        using var scope = NewDisposeScope();
        var a = Skew.FromFree(free);
        var btg = MatrixExponential.Mm(b.t(), g);
        var grad = 0.5 * (btg - btg.t());
        var dexp = MatrixExponential.FrechetOfSkewAtNegated(a, grad, factorsOfA);   // A and grad are skew
        var f = MatrixExponential.Mm(b, dexp);
        return Skew.GradientToFree(f).MoveToOuterDisposeScope();
    }

    internal static void AccumulateGrad(Tensor parameter, Tensor value)
    {
        var existing = parameter.grad;
        if (existing is null) parameter.grad = value.clone();
        else existing.add_(value);
    }

    internal static void RequireSquareReal(Tensor w, string what)
    {
        if (w.dim() != 2 || w.shape[0] != w.shape[1]) throw new NotSquareException(what, w.shape);
        if (w.dtype is not (ScalarType.Float32 or ScalarType.Float64)) throw new WrongDtypeException(what, w.dtype, "float32 or float64");
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) { Refresh(); lastSeen?.Dispose(); }
        base.Dispose(disposing);
    }
}
