using System.Text.Json.Serialization;
using NnRnn.Cells;
using NnRnn.Nonlinearities;
using NnRnn.Optim;
using NnRnn.Orthogonal;
using NnRnn.Experiments.Tasks;

namespace NnRnn.Experiments.Training;

/// <summary>
/// The model, optimiser and run options every task shares, under the seed's option names (as
/// written to options.json). Each task's options derive from this and set their own defaults.
/// </summary>
public abstract record RunOptions
{
    [JsonPropertyName("net-type")] public string NetType { get; init; } = "nnRNN";
    [JsonPropertyName("nhid")] public int Nhid { get; init; } = 128;
    [JsonPropertyName("rinit")] public string Rinit { get; init; } = "cayley";
    [JsonPropertyName("iinit")] public string Iinit { get; init; } = "xavier";
    [JsonPropertyName("nonlin")] public string Nonlin { get; init; } = "modrelu";
    [JsonPropertyName("alam")] public double Alam { get; init; } = 1e-4;
    [JsonPropertyName("capacity")] public int Capacity { get; init; } = 2;
    [JsonPropertyName("fft")] public bool Fft { get; init; }
    [JsonPropertyName("gradient")] public string Gradient { get; init; } = "frechet";
    [JsonPropertyName("unroll")] public string Unroll { get; init; } = "fused";
    [JsonPropertyName("random-seed")] public int RandomSeed { get; init; } = 400;
    [JsonPropertyName("batch")] public int Batch { get; init; } = 10;
    [JsonPropertyName("optimizer")] public string Optimizer { get; init; } = "RMSprop";
    [JsonPropertyName("lr")] public double Lr { get; init; } = 5e-4;
    [JsonPropertyName("lr_orth")] public double LrOrth { get; init; } = 1e-6;
    [JsonPropertyName("alpha")] public double Alpha { get; init; } = 0.99;
    [JsonPropertyName("betas")] public double[] Betas { get; init; } = { 0.9, 0.999 };
    [JsonPropertyName("Tdecay")] public double Tdecay { get; init; } = 1e-6;
    [JsonPropertyName("clip")] public double Clip { get; init; }
    [JsonPropertyName("threads")] public int Threads { get; init; } = 1;

    /// <summary>Checks every value and names the offending option in a one-line error.</summary>
    public virtual void Validate()
    {
        var net = CellFactory.Canonical(NetType);
        if (Nhid <= 0) throw new ArgumentException($"--nhid: must be positive (got {Nhid})");
        if (net == "nnRNN" && Nhid % 2 != 0)
            throw new ArgumentException($"--nhid: nnRNN needs an even number of hidden units (2x2 rotation blocks), got {Nhid}");
        if (Batch <= 0) throw new ArgumentException($"--batch: must be positive (got {Batch})");
        if (Threads <= 0) throw new ArgumentException($"--threads: must be positive (got {Threads})");
        if (Capacity <= 0) throw new ArgumentException($"--capacity: must be positive (got {Capacity})");
        if (Betas.Length != 2) throw new ArgumentException($"--betas: expected two values (got {Betas.Length})");
        if (!(Alam >= 0)) throw new ArgumentException($"--alam: must be non-negative (got {Alam})");
        if (!Nonlinearity.Names.Contains(Nonlin.ToLowerInvariant()))
            throw new ArgumentException($"--nonlin: unknown non-linearity '{Nonlin}' (expected one of: {string.Join(", ", Nonlinearity.Names)})");
        if (!new[] { "xavier", "kaiming" }.Contains(Iinit))
            throw new ArgumentException($"--iinit: unknown initialiser '{Iinit}' (expected xavier or kaiming)");
        if (!new[] { "xavier", "kaiming" }.Concat(SkewInitializers.Names).Contains(Rinit))
            throw new ArgumentException($"--rinit: unknown initialiser '{Rinit}' (expected one of: xavier, kaiming, {string.Join(", ", SkewInitializers.Names)})");
        if (net is "nnRNN" or "expRNN" or "RNN-orth" && !SkewInitializers.Names.Contains(Rinit))
            throw new ArgumentException($"--rinit: {net} needs an orthogonal initialiser ({string.Join(", ", SkewInitializers.Names)}), got '{Rinit}'");
        GradientRoute();
        UnrollMode();
        OptimizerSettings().Validate();
    }

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

    public CellSpec CellSpec(long inputSize) => new(CellFactory.Canonical(NetType), inputSize, Nhid,
        Nonlin.ToLowerInvariant(), Rinit, Iinit, Alam, GradientRoute(), Capacity, Fft);

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

/// <summary>Option helpers.</summary>
public static class RunOptionsExtensions
{
    /// <summary>The same options with names in their canonical spelling (what options.json records).</summary>
    public static T Resolved<T>(this T options) where T : RunOptions => options with
    {
        NetType = CellFactory.Canonical(options.NetType),
        Optimizer = Optim.OptimizerSettings.CanonicalKind(options.Optimizer),
        Nonlin = options.Nonlin.ToLowerInvariant(),
        Gradient = options.Gradient.ToLowerInvariant(),
        Unroll = options.Unroll.ToLowerInvariant(),
    };
}

/// <summary>Options of a task with fresh data every update: the number of updates and the task itself.</summary>
public abstract record OnlineTaskOptions : RunOptions
{
    [JsonPropertyName("steps")] public int Steps { get; init; } = 1500;

    public override void Validate()
    {
        base.Validate();
        if (Steps <= 0) throw new ArgumentException($"--steps: must be positive (got {Steps})");
        Task();
    }

    /// <summary>Builds the task (its constructor validates the task options).</summary>
    public abstract IOnlineTask Task();
}

/// <summary>
/// <c>nnrnn copytask</c>; defaults are the seed's nnRNN copy-task row (N = 128, T = 200,
/// RMSprop α = 0.99, lr 5e-4, lr_orth 1e-6, δ 1e-4, T decay 1e-6, cayley) and 1500 updates.
/// </summary>
public sealed record CopyTaskOptions : OnlineTaskOptions
{
    [JsonPropertyName("T")] public int T { get; init; } = 200;
    [JsonPropertyName("labels")] public int Labels { get; init; } = 8;
    [JsonPropertyName("c-length")] public int CLength { get; init; } = 10;
    [JsonPropertyName("onehot")] public bool Onehot { get; init; }
    [JsonPropertyName("vari")] public bool Vari { get; init; }

    public override IOnlineTask Task() => CopyTask();

    public CopyTask CopyTask() => new(T, Labels, CLength, Onehot, Vari);
}

/// <summary>
/// <c>nnrnn adding</c>: sequence length <c>--c-length</c> (the seed script's name), <c>--no-of-ones</c>
/// markers; the other defaults as the copy task's nnRNN row, batch 50 and 2000 updates.
/// </summary>
public sealed record AddingOptions : OnlineTaskOptions
{
    public AddingOptions()
    {
        Batch = 50;
        Steps = 2000;
    }

    [JsonPropertyName("c-length")] public int CLength { get; init; } = 100;
    [JsonPropertyName("no-of-ones")] public int NoOfOnes { get; init; } = 2;

    public override IOnlineTask Task() => new AddingProblem(CLength, NoOfOnes);
}
