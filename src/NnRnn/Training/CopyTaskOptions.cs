using NnRnn.Cells;
using NnRnn.Nonlinearities;
using NnRnn.Optim;
using NnRnn.Orthogonal;
using NnRnn.Tasks;

namespace NnRnn.Training;

/// <summary>
/// Every option of <c>nnrnn copytask</c> under the seed's names; defaults are the seed's nnRNN
/// copy-task row (N = 128, T = 200, RMSprop α = 0.99, lr 5e-4, lr_orth 1e-6, δ 1e-4, T decay 1e-6, cayley).
/// </summary>
public sealed record CopyTaskOptions
{
    public string NetType { get; init; } = "nnRNN";
    public int Nhid { get; init; } = 128;
    public int T { get; init; } = 200;
    public int Labels { get; init; } = 8;
    public int CLength { get; init; } = 10;
    public bool Onehot { get; init; }
    public bool Vari { get; init; }
    public int RandomSeed { get; init; } = 400;
    public int Batch { get; init; } = 10;
    public double Lr { get; init; } = 5e-4;
    public double LrOrth { get; init; } = 1e-6;
    public double Alpha { get; init; } = 0.99;
    public double[] Betas { get; init; } = { 0.9, 0.999 };
    public string Optimizer { get; init; } = "RMSprop";
    public string Rinit { get; init; } = "cayley";
    public string Iinit { get; init; } = "xavier";
    public string Nonlin { get; init; } = "modrelu";
    public double Alam { get; init; } = 1e-4;
    public double Tdecay { get; init; } = 1e-6;
    public int Steps { get; init; } = 1500;
    public double Clip { get; init; }
    public int Threads { get; init; } = 1;
    public string Gradient { get; init; } = "frechet";
    public string Unroll { get; init; } = "fused";

    /// <summary>Checks every value and names the offending option in a one-line error.</summary>
    public void Validate()
    {
        CellFactory.Canonical(NetType);
        if (Nhid <= 0) throw new ArgumentException($"--nhid: must be positive (got {Nhid})");
        if (Batch <= 0) throw new ArgumentException($"--batch: must be positive (got {Batch})");
        if (Steps <= 0) throw new ArgumentException($"--steps: must be positive (got {Steps})");
        if (Threads <= 0) throw new ArgumentException($"--threads: must be positive (got {Threads})");
        if (Betas.Length != 2) throw new ArgumentException($"--betas: expected two values (got {Betas.Length})");
        if (!(Alam >= 0)) throw new ArgumentException($"--alam: must be non-negative (got {Alam})");
        if (!Nonlinearity.Names.Contains(Nonlin.ToLowerInvariant()))
            throw new ArgumentException($"--nonlin: unknown non-linearity '{Nonlin}' (expected one of: {string.Join(", ", Nonlinearity.Names)})");
        if (!new[] { "xavier", "kaiming" }.Contains(Iinit))
            throw new ArgumentException($"--iinit: unknown initialiser '{Iinit}' (expected xavier or kaiming)");
        if (!new[] { "xavier", "kaiming" }.Concat(SkewInitializers.Names).Contains(Rinit))
            throw new ArgumentException($"--rinit: unknown initialiser '{Rinit}' (expected one of: xavier, kaiming, {string.Join(", ", SkewInitializers.Names)})");
        GradientRoute();
        UnrollMode();
        Task();
        OptimizerSettings().Validate();
    }

    public CopyTask Task() => new(T, Labels, CLength, Onehot, Vari);

    public OrthogonalGradient GradientRoute() => Gradient.ToLowerInvariant() switch
    {
        "frechet" => OrthogonalGradient.Frechet,
        "autograd" => OrthogonalGradient.Autograd,
        _ => throw new ArgumentException($"--gradient: expected frechet or autograd (got '{Gradient}')"),
    };

    public UnrollMode UnrollMode() => Unroll.ToLowerInvariant() switch
    {
        "fused" => Cells.UnrollMode.Fused,
        "steps" => Cells.UnrollMode.StepByStep,
        _ => throw new ArgumentException($"--unroll: expected fused or steps (got '{Unroll}')"),
    };

    public CellSpec CellSpec(int inputSize) => new(CellFactory.Canonical(NetType), inputSize, Nhid,
        Nonlin.ToLowerInvariant(), Rinit, Iinit, Alam, GradientRoute());

    public OptimizerSettings OptimizerSettings() => new()
    {
        Kind = Optim.OptimizerSettings.CanonicalKind(Optimizer),
        LearningRate = Lr,
        OrthogonalLearningRate = LrOrth,
        Alpha = Alpha,
        Betas = (Betas.ElementAtOrDefault(0), Betas.ElementAtOrDefault(1)),
        TDecay = Tdecay,
        Clip = Clip,
    };
}
