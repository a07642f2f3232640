using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Orthogonal;

/// <summary>
/// An orthogonal matrix B = expm(skew(log)) parametrised by a free square matrix <c>log</c>
/// whose strict upper triangle is the skew-symmetric coordinate (expRNN; nnRNN's Schur basis P).
/// Trained by its own optimizer at <c>--lr_orth</c>.
/// </summary>
public sealed class OrthogonalParametrization : nn.Module
{
    private readonly Parameter log;
    private Tensor? matrix;
    private PadeFactors? factors;   // of expm at skew(log), reused by the Fréchet gradient

    /// <param name="initialLog">n×n matrix whose skew part is the initial coordinate (e.g. from <see cref="SkewInitializers"/>).</param>
    /// <param name="gradient">How the loss gradient reaches the skew coordinate.</param>
    public OrthogonalParametrization(Tensor initialLog, OrthogonalGradient gradient = OrthogonalGradient.Frechet)
        : base("OrthogonalParametrization")
    {
        if (initialLog.dim() != 2 || initialLog.shape[0] != initialLog.shape[1])
            throw new ArgumentException("an orthogonal parametrisation needs a square initial matrix");
        log = new Parameter(initialLog.detach().clone());
        Gradient = gradient;
        RegisterComponents();
    }

    /// <summary>The free parameter (only its strict upper triangle matters).</summary>
    public Parameter Log => log;

    /// <summary>Which gradient route is used; see <see cref="OrthogonalGradient"/>.</summary>
    public OrthogonalGradient Gradient { get; set; }

    /// <summary>
    /// B = expm(skew(log)). On the Fréchet route this is a cached leaf that collects dL/dB and is
    /// rebuilt only after <see cref="Refresh"/>; on the autograd route it is a graph node.
    /// </summary>
    public Tensor Matrix()
    {
        if (Gradient == OrthogonalGradient.Autograd)
            return MatrixExponential.Expm(Skew.FromFree(log));
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

    /// <summary>
    /// Fréchet route: turns G = dL/dB into dL/dlog and accumulates it in <c>log.grad</c>, then
    /// clears B's gradient. A no-op on the autograd route.
    /// </summary>
    public void BackpropagateToLog()
    {
        if (Gradient != OrthogonalGradient.Frechet || matrix is null) return;
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
        var btg = b.t().matmul(g);
        var grad = 0.5 * (btg - btg.t());
        var dexp = factorsOfA is null ? MatrixExponential.Frechet(-a, grad) : MatrixExponential.FrechetAtNegated(a, grad, factorsOfA);
        var f = b.matmul(dexp);
        return Skew.GradientToFree(f).MoveToOuterDisposeScope();
    }

    internal static void AccumulateGrad(Tensor parameter, Tensor value)
    {
        var existing = parameter.grad;
        if (existing is null) parameter.grad = value.clone();
        else existing.add_(value);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) Refresh();
        base.Dispose(disposing);
    }
}
