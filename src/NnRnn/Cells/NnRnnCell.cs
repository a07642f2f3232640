using NnRnn.Nonlinearities;
using NnRnn.Orthogonal;
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

    public NnRnnCell(long inputSize, long hiddenSize, string nonlin = "modrelu", string rinit = "cayley",
        string iinit = "xavier", double alam = 1e-4, OrthogonalGradient gradient = OrthogonalGradient.Frechet)
        : base("NnRnnCell", inputSize, hiddenSize)
    {
        if (hiddenSize % 2 != 0)
            throw new ArgumentException($"--nhid: nnRNN needs an even number of hidden units (2x2 rotation blocks), got {hiddenSize}");
        if (!SkewInitializers.Names.Contains(rinit))
            throw new ArgumentException($"--rinit: nnRNN needs an orthogonal initialiser ({string.Join(", ", SkewInitializers.Names)}), got '{rinit}'");
        Alam = alam;
        U = nn.Linear(inputSize, hiddenSize, hasBias: false);
        WeightInit.Apply(U.weight!, iinit, "--iinit");
        P = new OrthogonalParametrization(SkewInitializers.Create(rinit, hiddenSize), gradient);
        theta = new Parameter(rand(hiddenSize / 2) * (2 * Math.PI));
        gamma = new Parameter(ones(hiddenSize / 2));
        T = new Parameter(zeros(hiddenSize, hiddenSize));
        nonlinearity = Nonlinearity.Create(nonlin, hiddenSize);
        RegisterComponents();
    }

    public override string NetType => "nnRNN";

    /// <summary>δ, the strength of the penalty on γ (<c>--alam</c>).</summary>
    public double Alam { get; }

    public OrthogonalParametrization Schur => P;

    /// <summary>Λ = blockdiag(γ_k [[cos θ_k, −sin θ_k], [sin θ_k, cos θ_k]]), built with tensor ops.</summary>
    public static Tensor BlockRotation(Tensor theta, Tensor gamma)
    {
        long k = theta.shape[0];
        var c = theta.cos() * gamma;
        var s = theta.sin() * gamma;
        var blocks = stack(new[] { c, -s, s, c }, 1).view(k, 2, 1, 2);      // [k, a, ·, b]
        var identity = eye(k, dtype: theta.dtype, device: theta.device).view(k, 1, k, 1); // δ_ij
        return (identity * blocks).reshape(2 * k, 2 * k);                   // Λ[2i+a, 2j+b] = δ_ij block_i[a,b]
    }

    /// <summary>The recurrent matrix W = P (Λ + T ⊙ M) Pᵀ.</summary>
    public Tensor RecurrentMatrix()
    {
        var p = P.Matrix();
        var core = BlockRotation(theta, gamma) + T.triu(1);
        return p.matmul(core).matmul(p.t());
    }

    public override IRecurrence Prepare() => new ElmanRecurrence(U, RecurrentMatrix(), nonlinearity);

    public override Tensor? Penalty() => Alam == 0 ? null : Alam * (gamma - 1).pow(2).sum();

    public override IEnumerable<Parameter> DecayedParameters() => new[] { T };
}
