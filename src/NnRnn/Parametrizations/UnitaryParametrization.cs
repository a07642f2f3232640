using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>
/// A unitary matrix U = base · φ(A), A = ½(F − Fᴴ) skew-Hermitian from a free complex matrix F,
/// φ = expm or Cayley (complex64 or complex128). Gradients go through autograd.
/// </summary>
public sealed class UnitaryParametrization : ConstrainedParameter
{
    private readonly Parameter log;
    private readonly Tensor basis;

    /// <summary>U starting at the unitary <paramref name="initial"/> (base = it, F = 0).</summary>
    /// <param name="initial">A unitary n×n complex matrix (see <see cref="OrthogonalSamples.Unitary"/>).</param>
    /// <param name="map">φ: expm or Cayley.</param>
    public UnitaryParametrization(Tensor initial, OrthogonalMap map = OrthogonalMap.Exp) : base("UnitaryParametrization")
    {
        RequireSquareComplex(initial, "a unitary parametrisation");
        Map = map;
        log = new Parameter(zeros(initial.shape, initial.dtype, initial.device));
        basis = initial.detach().contiguous().clone().DetachFromDisposeScope();
        register_parameter("log", log);
        register_buffer("base", basis);
    }

    /// <summary>The free complex matrix F (only its skew-Hermitian part matters).</summary>
    public Parameter Log => log;

    /// <summary>φ.</summary>
    public OrthogonalMap Map { get; }

    /// <inheritdoc/>
    public override long Size => log.shape[0];

    /// <inheritdoc/>
    protected override Tensor Compute()
    {
        var a = 0.5 * (log - log.conj().t());
        return basis.matmul(OrthogonalMaps.Apply(Map, a));
    }

    /// <inheritdoc/>
    protected internal override Tensor[] FreeTensors() => new Tensor[] { log };

    /// <inheritdoc/>
    public override double ManifoldError()
    {
        using var _ = no_grad();
        return OrthogonalityError(Value);
    }

    /// <summary>Moves the weight to a draw from <paramref name="init"/> (Haar: Haar-uniform on U(n)).</summary>
    public void Sample(OrthogonalInit init = OrthogonalInit.Haar, Generator? generator = null)
    {
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            basis.copy_(OrthogonalSamples.Unitary(Size, init, generator));
            log.zero_();
        }
        Invalidate();
    }

    internal static void RequireSquareComplex(Tensor w, string what)
    {
        if (w.dim() != 2 || w.shape[0] != w.shape[1]) throw new NotSquareException(what, w.shape);
        if (w.dtype is not (ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64)) throw new WrongDtypeException(what, w.dtype, "complex64 or complex128");
    }
}
