using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>
/// A weight constrained to a manifold, W = φ(free): the free parameters are what an optimizer
/// trains (they are this module's parameters), <see cref="Value"/> is the constrained weight.
/// Outside a <see cref="Parametrize.Cached"/> scope every read of <see cref="Value"/> builds a fresh
/// graph; inside one it is computed once and reused until its free parameters change.
/// </summary>
public abstract class ConstrainedParameter : nn.Module
{
    /// <summary>A constrained parameter module called <paramref name="name"/>.</summary>
    protected ConstrainedParameter(string name) : base(name) { }

    /// <summary>n, the side of the square constrained weight.</summary>
    public abstract long Size { get; }

    /// <summary>The constrained weight φ(free); gradients reach the free parameters.</summary>
    public Tensor Value => ReadValue();

    /// <summary>Whether <see cref="Value"/> lies on the manifold to within <paramref name="eps"/> (max-abs error of the defining identity).</summary>
    public bool InManifold(double eps = 1e-5) => ManifoldError() <= eps;

    /// <summary>The max-abs error of the manifold's defining identity at <see cref="Value"/> (e.g. max|WᵀW − I|).</summary>
    public abstract double ManifoldError();

    /// <summary>Drops any cached value (call after changing the free parameters by hand, or a load).</summary>
    public virtual void Invalidate() => ParametrizationCache.Current?.Forget(this);

    /// <summary>φ(free) as a new graph node.</summary>
    protected abstract Tensor Compute();

    /// <summary>The tensors whose change makes a cached value stale (the free parameters).</summary>
    protected internal abstract Tensor[] FreeTensors();

    /// <summary>Reads the value through the innermost cache scope, if any.</summary>
    protected virtual Tensor ReadValue()
    {
        BeforeRead();
        return ParametrizationCache.Current is { } cache ? cache.GetOrCompute(this, Compute) : Compute();
    }

    /// <summary>A hook run before every read (dynamic trivialisation re-bases here).</summary>
    protected virtual void BeforeRead() { }

    /// <summary>max|XᴴX − I| of a square matrix, in float64.</summary>
    protected static double OrthogonalityError(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var m = x.detach().to_type(x.is_complex() ? ScalarType.ComplexFloat64 : ScalarType.Float64);
        var gram = m.conj().t().matmul(m) - eye(m.shape[0], dtype: m.dtype);
        return gram.abs().max().item<double>();
    }
}
