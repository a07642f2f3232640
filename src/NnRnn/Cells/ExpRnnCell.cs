using NnRnn.Nonlinearities;
using NnRnn.Orthogonal;
using NnRnn.Parametrizations;
using NnRnn.Randomness;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// expRNN (Lezcano-Casado &amp; Martínez-Rubio 2019): h_t = σ(x_t Uᵀ + h_{t−1} B), B = expm(skew(log))
/// orthogonal throughout training.
/// </summary>
public sealed class ExpRnnCell : RecurrentCell
{
    private readonly Linear U;
    private readonly OrthogonalParametrization orthogonal;
    private readonly Nonlinearity nonlinearity;

    /// <summary>An expRNN cell with its recurrent matrix B = expm(skew(log)) initialised by <paramref name="recurrentInit"/> (orthogonal).</summary>
    /// <param name="inputSize">Width of x_t.</param>
    /// <param name="hiddenSize">N, the hidden units.</param>
    /// <param name="activation">σ (modReLU in the paper).</param>
    /// <param name="recurrentInit">Initialiser of the skew coordinate: henaff, cayley or random.</param>
    /// <param name="inputInit">Initialiser of U: xavier or kaiming.</param>
    /// <param name="gradient">How the gradient reaches the skew coordinate.</param>
    /// <param name="generator">Every torch draw comes from it (libtorch's global generator when null).</param>
    /// <param name="style">Original: the reference's draw order and its real Glorot normal.</param>
    /// <param name="numpy">
    /// With <see cref="InitStyle.Original"/>: numpy's stream, for the skew coordinate the reference
    /// draws with numpy (null: the same distribution from <paramref name="generator"/>).
    /// </param>
    public ExpRnnCell(long inputSize, long hiddenSize, Activation activation = Activation.ModRelu, Initializer recurrentInit = Initializer.Henaff,
        Initializer inputInit = Initializer.Xavier, OrthogonalGradient gradient = OrthogonalGradient.Frechet, Generator? generator = null,
        InitStyle style = InitStyle.Documented, NumpyRandomState? numpy = null)
        : base("ExpRnnCell", inputSize, hiddenSize)
    {
        if (!recurrentInit.IsOrthogonal())
            throw new ArgumentException($"expRNN needs an orthogonal initialiser (henaff, cayley, random), got {SeedNames.Of(recurrentInit)}", nameof(recurrentInit));
        if (inputInit.IsOrthogonal())
            throw new ArgumentException($"expected xavier or kaiming for this weight (got {SeedNames.Of(inputInit)})", nameof(inputInit));
        U = WeightInit.Linear(inputSize, hiddenSize, hasBias: false, generator);
        if (style == InitStyle.Original)
        {
            // the reference's draw order (exprnn.py): Linear's default init, modReLU's b, then
            // reset_parameters: the skew coordinate (numpy), the input initialiser
            nonlinearity = Nonlinearity.Create(activation, hiddenSize, generator);
            var log = numpy is null ? SkewInitializers.Create(recurrentInit, hiddenSize, generator) : SkewInitializers.Create(recurrentInit, hiddenSize, numpy);
            orthogonal = new OrthogonalParametrization(log, gradient);
            WeightInit.Apply(U.weight!, inputInit, nameof(inputInit), generator, style);
        }
        else
        {
            WeightInit.Apply(U.weight!, inputInit, nameof(inputInit), generator, style);
            orthogonal = new OrthogonalParametrization(SkewInitializers.Create(recurrentInit, hiddenSize, generator), gradient);
            nonlinearity = Nonlinearity.Create(activation, hiddenSize, generator);
        }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override NetType Kind => Cells.NetType.ExpRnn;

    /// <summary>The orthogonal factor B and its skew coordinate (trained at lr_orth).</summary>
    public OrthogonalParametrization Orthogonal => orthogonal;

    /// <inheritdoc/>
    public override IRecurrence Prepare() => new ElmanRecurrence(U, orthogonal.Matrix(), nonlinearity);
}
