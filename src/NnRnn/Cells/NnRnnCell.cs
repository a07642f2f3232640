using NnRnn.Nonlinearities;
using NnRnn.Orthogonal;
using NnRnn.Parametrizations;
using NnRnn.Randomness;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// The non-normal RNN (Kerg et al. 2019, eq. 5): h_t = σ(x_t Uᵀ + h_{t−1} W) with the real Schur
/// form W = P (Λ + T ⊙ M) Pᵀ: P = expm(skew(log)) orthogonal, Λ block diagonal with blocks
/// γ_k R(θ_k), T strictly upper triangular (mask M). Loss adds δ Σ_k (γ_k − 1)².
/// </summary>
public sealed class NnRnnCell : RecurrentCell
{
    private readonly Linear U;
    private readonly OrthogonalParametrization P;
    private readonly Parameter theta;
    private readonly Parameter gamma;
    private readonly Parameter T;
    private readonly Nonlinearity nonlinearity;

    /// <param name="inputSize">Width of x_t.</param>
    /// <param name="hiddenSize">N, even (Λ is made of 2×2 blocks).</param>
    /// <param name="activation">σ.</param>
    /// <param name="recurrentInit">Initialiser of P: henaff, cayley or random (orthogonal).</param>
    /// <param name="inputInit">Initialiser of U: xavier or kaiming.</param>
    /// <param name="delta">δ, the strength of the penalty on γ (the seed's <c>alam</c>).</param>
    /// <param name="gradient">How the gradient reaches P's skew coordinate.</param>
    /// <param name="generator">Every initial draw comes from it (libtorch's global generator when null).</param>
    /// <param name="style">Original: U keeps PyTorch's default Linear init (the reference ignores <c>--iinit</c>) and θ ~ U(0, 6.28).</param>
    /// <param name="numpy">
    /// With <see cref="InitStyle.Original"/>: numpy's stream, for θ and the skew coordinate, which the
    /// reference draws with numpy (null: the same distributions from <paramref name="generator"/>).
    /// </param>
    public NnRnnCell(long inputSize, long hiddenSize, Activation activation = Activation.ModRelu, Initializer recurrentInit = Initializer.Cayley,
        Initializer inputInit = Initializer.Xavier, double delta = 1e-4, OrthogonalGradient gradient = OrthogonalGradient.Frechet,
        Generator? generator = null, InitStyle style = InitStyle.Documented, NumpyRandomState? numpy = null)
        : base("NnRnnCell", inputSize, hiddenSize)
    {
        if (hiddenSize % 2 != 0)
            throw new ArgumentException($"nnRNN needs an even number of hidden units (2x2 rotation blocks), got {hiddenSize}", nameof(hiddenSize));
        if (!recurrentInit.IsOrthogonal())
            throw new ArgumentException($"nnRNN needs an orthogonal initialiser (henaff, cayley, random), got {SeedNames.Of(recurrentInit)}", nameof(recurrentInit));
        if (!(double.IsFinite(delta) && delta >= 0)) throw new ArgumentException($"expected a finite number >= 0 (got {delta})", nameof(delta));
        Delta = delta;
        if (style == InitStyle.Original)
        {
            // the reference's draw order (RNN_Cell.OrthoRNNCell): modReLU's b, U's default init; then
            // numpy: N angles θ (the first N/2 used), N/2 scales α (all 1), the skew coordinate
            nonlinearity = Nonlinearity.Create(activation, hiddenSize, generator);
            U = WeightInit.Linear(inputSize, hiddenSize, hasBias: false, generator);
            if (numpy is null)
            {
                P = new OrthogonalParametrization(SkewInitializers.Create(recurrentInit, hiddenSize, generator), gradient);
                // θ_k ~ U(0, 2·3.14), the reference writing π as 3.14
                theta = new Parameter(rand(new[] { hiddenSize / 2 }, generator: generator) * (2 * 3.14));
            }
            else
            {
                var angles = numpy.Uniform(0, 2 * 3.14, (int)hiddenSize);
                numpy.Uniform(1, 1, (int)(hiddenSize / 2));
                theta = new Parameter(tensor(angles[..(int)(hiddenSize / 2)], float32));
                P = new OrthogonalParametrization(SkewInitializers.Create(recurrentInit, hiddenSize, numpy), gradient);
                // reset_parameters draws --rinit once more and discards it (as the bench runs the
                // reference, ref_compat's log_P fix: REFERENCE.md); copytask.py's batches follow in this stream
                SkewInitializers.Discard(recurrentInit, hiddenSize, numpy);
            }
        }
        else
        {
            U = WeightInit.Linear(inputSize, hiddenSize, hasBias: false, generator);
            WeightInit.Apply(U.weight!, inputInit, nameof(inputInit), generator);
            P = new OrthogonalParametrization(SkewInitializers.Create(recurrentInit, hiddenSize, generator), gradient);
            theta = new Parameter(rand(new[] { hiddenSize / 2 }, generator: generator) * (2 * Math.PI));
            nonlinearity = Nonlinearity.Create(activation, hiddenSize, generator);
        }
        gamma = new Parameter(ones(hiddenSize / 2));
        T = new Parameter(zeros(hiddenSize, hiddenSize));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override NetType Kind => Cells.NetType.NnRnn;

    /// <summary>δ, the strength of the penalty δ Σ_k (γ_k − 1)² on γ (the seed's <c>--alam</c>).</summary>
    public double Delta { get; }

    /// <summary>The real Schur form's parts, for inspection.</summary>
    public OrthogonalParametrization Schur => P;

    /// <summary>Λ = blockdiag(γ_k R(θ_k)); see <see cref="SchurForm.BlockRotation"/>.</summary>
    public static Tensor BlockRotation(Tensor theta, Tensor gamma) => SchurForm.BlockRotation(theta, gamma);

    /// <summary>The recurrent matrix W = P (Λ + T ⊙ M) Pᵀ.</summary>
    public Tensor RecurrentMatrix() => SchurForm.Compose(P.Matrix(), theta, gamma, T);

    /// <inheritdoc/>
    public override IRecurrence Prepare() => new ElmanRecurrence(U, RecurrentMatrix(), nonlinearity);

    /// <inheritdoc/>
    public override Tensor? Penalty() => Delta == 0 ? null : Delta * (gamma - 1).pow(2).sum();

    /// <inheritdoc/>
    public override IEnumerable<Parameter> DecayedParameters() => new[] { T };
}
