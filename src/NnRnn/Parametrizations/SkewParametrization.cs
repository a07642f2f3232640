using NnRnn.Orthogonal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>A skew-symmetric matrix A = triu(F, 1) − triu(F, 1)ᵀ of a free real matrix F (the Lie algebra of SO(n)).</summary>
public sealed class SkewParametrization : ConstrainedParameter
{
    private readonly Parameter free;

    /// <summary>A starting at the skew part of <paramref name="initial"/> (its strict upper triangle is kept).</summary>
    public SkewParametrization(Tensor initial) : base("SkewParametrization")
    {
        OrthogonalParametrization.RequireSquareReal(initial, "a skew-symmetric parametrisation");
        free = new Parameter(initial.detach().triu(1).clone());
        register_parameter("free", free);
    }

    /// <summary>The free matrix F (only its strict upper triangle matters).</summary>
    public Parameter Free => free;

    /// <inheritdoc/>
    public override long Size => free.shape[0];

    /// <inheritdoc/>
    protected override Tensor Compute() => Skew.FromFree(free);

    /// <inheritdoc/>
    protected internal override Tensor[] FreeTensors() => new Tensor[] { free };

    /// <summary>max|A + Aᵀ|.</summary>
    public override double ManifoldError()
    {
        using var _ = no_grad();
        var a = Value.detach();
        return (a + a.t()).abs().max().to_type(ScalarType.Float64).item<double>();
    }
}
