using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>
/// nnRNN's family W = P (Λ + T ⊙ M) Pᵀ (<see cref="SchurForm"/>): P an <see cref="OrthogonalParametrization"/>,
/// Λ of 2×2 rotation blocks with moduli γ and angles θ, T strictly upper triangular. Every weight it
/// gives has eigenvalues γ_k e^{±iθ_k}; T adds non-normal transient dynamics.
/// </summary>
public sealed class SchurParametrization : ConstrainedParameter
{
    private readonly OrthogonalParametrization basis;
    private readonly Parameter theta;
    private readonly Parameter gamma;
    private readonly Parameter upper;

    /// <summary>A Schur-form weight of even size n: P from <paramref name="basisInit"/>, θ ~ U(0, 2π), γ = 1, T = 0 (the paper's init).</summary>
    /// <param name="n">The side of W, even.</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <param name="map">φ of P.</param>
    /// <param name="basisInit">Distribution of P.</param>
    /// <param name="generator">Every draw comes from it (libtorch's global generator when null).</param>
    public SchurParametrization(long n, ScalarType dtype = ScalarType.Float32, OrthogonalMap map = OrthogonalMap.Exp,
        OrthogonalInit basisInit = OrthogonalInit.Cayley, Generator? generator = null) : base("SchurParametrization")
    {
        if (n % 2 != 0) throw new OddSizeException("a Schur-form (nnRNN) weight", n);
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64)) throw new WrongDtypeException("a Schur-form (nnRNN) weight", dtype, "float32 or float64");
        using (no_grad())
            basis = new OrthogonalParametrization(OrthogonalSamples.Orthogonal(n, basisInit, true, generator).to_type(dtype), map);
        theta = new Parameter(rand(new[] { n / 2 }, dtype, generator: generator) * (2 * Math.PI));
        gamma = new Parameter(ones(n / 2, dtype));
        upper = new Parameter(zeros(n, n, dtype));
        register_module("P", basis);
        register_parameter("theta", theta);
        register_parameter("gamma", gamma);
        register_parameter("T", upper);
    }

    /// <summary>P, the orthogonal Schur basis.</summary>
    public OrthogonalParametrization Basis => basis;

    /// <summary>θ_k, the rotation angles of Λ's blocks.</summary>
    public Parameter Angles => theta;

    /// <summary>γ_k, the moduli of Λ's blocks (|eigenvalues| of W).</summary>
    public Parameter Moduli => gamma;

    /// <summary>T; only its strict upper triangle is used.</summary>
    public Parameter NonNormal => upper;

    /// <inheritdoc/>
    public override long Size => upper.shape[0];

    /// <inheritdoc/>
    protected override Tensor Compute() => SchurForm.Compose(basis.Value, theta, gamma, upper);

    /// <inheritdoc/>
    protected internal override Tensor[] FreeTensors() => new Tensor[] { basis.Log, theta, gamma, upper };

    /// <summary>max|PᵀP − I| (W is in the family exactly when its basis is orthogonal).</summary>
    public override double ManifoldError() => basis.ManifoldError();

    /// <inheritdoc/>
    public override void Invalidate()
    {
        basis.Invalidate();
        base.Invalidate();
    }
}
