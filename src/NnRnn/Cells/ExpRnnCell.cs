using NnRnn.Nonlinearities;
using NnRnn.Orthogonal;
using NnRnn.Parametrizations;
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
    public ExpRnnCell(long inputSize, long hiddenSize, Activation activation = Activation.ModRelu, Initializer recurrentInit = Initializer.Henaff,
        Initializer inputInit = Initializer.Xavier, OrthogonalGradient gradient = OrthogonalGradient.Frechet, Generator? generator = null,
        InitStyle style = InitStyle.Documented)
        : base("ExpRnnCell", inputSize, hiddenSize)
    {
        U = WeightInit.Linear(inputSize, hiddenSize, hasBias: false, generator);
        if (!recurrentInit.IsOrthogonal())
            throw new ArgumentException($"expRNN needs an orthogonal initialiser (henaff, cayley, random), got {SeedNames.Of(recurrentInit)}", nameof(recurrentInit));
        WeightInit.Apply(U.weight!, inputInit, nameof(inputInit), generator, style);
        orthogonal = new OrthogonalParametrization(SkewInitializers.Create(recurrentInit, hiddenSize, generator), gradient);
        nonlinearity = Nonlinearity.Create(activation, hiddenSize, generator);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override NetType Kind => Cells.NetType.ExpRnn;

    /// <summary>The orthogonal factor B and its skew coordinate (trained at lr_orth).</summary>
    public OrthogonalParametrization Orthogonal => orthogonal;

    /// <inheritdoc/>
    public override IRecurrence Prepare() => new ElmanRecurrence(U, orthogonal.Matrix(), nonlinearity);
}
