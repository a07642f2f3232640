using NnRnn.Nonlinearities;
using NnRnn.Orthogonal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// The vanilla RNN, h_t = σ(x_t Uᵀ + b + h_{t−1} Vᵀ), trained without constraint. As <c>RNN-orth</c>
/// V starts orthogonal: V = expm(A) with A from the named skew initialiser (the paper's init;
/// the reference discards the draw, see REFERENCE.md).
/// </summary>
public sealed class VanillaRnnCell : RecurrentCell
{
    private readonly Linear U;
    private readonly Linear V;
    private readonly Nonlinearity nonlinearity;
    private readonly string netType;

    public VanillaRnnCell(long inputSize, long hiddenSize, string nonlin = "modrelu",
        string rinit = "xavier", string iinit = "xavier", bool orthogonalInit = false)
        : base("VanillaRnnCell", inputSize, hiddenSize)
    {
        netType = orthogonalInit ? "RNN-orth" : "RNN";
        U = nn.Linear(inputSize, hiddenSize, hasBias: true);
        V = nn.Linear(hiddenSize, hiddenSize, hasBias: false);
        nonlinearity = Nonlinearity.Create(nonlin, hiddenSize);
        WeightInit.Apply(U.weight!, iinit, "--iinit");
        if (SkewInitializers.Names.Contains(rinit))
        {
            using var _ = no_grad();
            V.weight!.copy_(MatrixExponential.Expm(Skew.FromFree(SkewInitializers.Create(rinit, hiddenSize).to_type(float64))));
        }
        else if (orthogonalInit)
            throw new ArgumentException($"--rinit: RNN-orth needs an orthogonal initialiser ({string.Join(", ", SkewInitializers.Names)}), got '{rinit}'");
        else
            WeightInit.Apply(V.weight!, rinit, "--rinit");
        RegisterComponents();
    }

    public override string NetType => netType;

    public Nonlinearity Activation => nonlinearity;

    public override IRecurrence Prepare() => new ElmanRecurrence(U, V.weight!.t(), nonlinearity);
}
