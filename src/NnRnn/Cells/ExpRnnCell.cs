using NnRnn.Nonlinearities;
using NnRnn.Orthogonal;
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

    public ExpRnnCell(long inputSize, long hiddenSize, string nonlin = "modrelu", string rinit = "henaff",
        string iinit = "xavier", OrthogonalGradient gradient = OrthogonalGradient.Frechet)
        : base("ExpRnnCell", inputSize, hiddenSize)
    {
        U = nn.Linear(inputSize, hiddenSize, hasBias: false);
        WeightInit.Apply(U.weight!, iinit, "--iinit");
        orthogonal = new OrthogonalParametrization(SkewInitializers.Create(rinit, hiddenSize), gradient);
        nonlinearity = Nonlinearity.Create(nonlin, hiddenSize);
        RegisterComponents();
    }

    public override string NetType => "expRNN";

    public OrthogonalParametrization Orthogonal => orthogonal;

    public override IRecurrence Prepare() => new ElmanRecurrence(U, orthogonal.Matrix(), nonlinearity);
}
