using System.ComponentModel;
using System.Text.Json.Serialization;
using NnRnn.Cells;
using NnRnn.Nonlinearities;
using NnRnn.Optim;
using NnRnn.Orthogonal;

namespace NnRnn.Experiments.Training;

/// <summary>
/// The model, optimiser and run options every task shares, under the seed's option names (as
/// written to options.json). Each task's options derive from this and set their own defaults.
/// </summary>
public abstract record RunOptions
{
    [JsonPropertyName("net-type"), Description("RNN, RNN-orth, expRNN, nnRNN, LSTM or EURNN")] public string NetType { get; init; } = "nnRNN";
    [JsonPropertyName("nhid"), Description("number of hidden units")] public int Nhid { get; init; } = 128;
    [JsonPropertyName("rinit"), Description("recurrent init: xavier, kaiming, henaff, cayley, random")] public string Rinit { get; init; } = "cayley";
    [JsonPropertyName("iinit"), Description("input init: xavier or kaiming")] public string Iinit { get; init; } = "xavier";
    [JsonPropertyName("nonlin"), Description("none, tanh, relu, sigmoid or modrelu")] public string Nonlin { get; init; } = "modrelu";
    [JsonPropertyName("alam"), Description("strength of the penalty on nnRNN's gammas (delta)")] public double Alam { get; init; } = 1e-4;
    [JsonPropertyName("capacity"), Description("EURNN: number of rotation layers (tunable space)")] public int Capacity { get; init; } = 2;
    [JsonPropertyName("fft"), Description("EURNN: FFT-style arrangement (log2 N layers)")] public bool Fft { get; init; }
    [JsonPropertyName("gradient"), Description("orthogonal gradient route: frechet (reference) or autograd")] public string Gradient { get; init; } = "frechet";
    [JsonPropertyName("unroll"), Description("fused (hand-written BPTT) or steps (per-step autograd)")] public string Unroll { get; init; } = "fused";
    [JsonPropertyName("random-seed"), Description("random seed (initialisation and data order)")] public int RandomSeed { get; init; } = 400;
    [JsonPropertyName("batch"), Description("batch size")] public int Batch { get; init; } = 10;
    [JsonPropertyName("optimizer"), Description("RMSprop or Adam (both optimizers)")] public string Optimizer { get; init; } = "RMSprop";
    [JsonPropertyName("lr"), Description("learning rate of the main optimizer")] public double Lr { get; init; } = 5e-4;
    [JsonPropertyName("lr_orth"), Description("learning rate of the orthogonal optimizer")] public double LrOrth { get; init; } = 1e-6;
    [JsonPropertyName("alpha"), Description("RMSprop smoothing constant")] public double Alpha { get; init; } = 0.99;
    [JsonPropertyName("betas"), Description("Adam's beta1 beta2")] public double[] Betas { get; init; } = { 0.9, 0.999 };
    [JsonPropertyName("Tdecay"), Description("weight decay on nnRNN's upper triangular T")] public double Tdecay { get; init; } = 1e-6;
    [JsonPropertyName("clip"), Description("gradient-norm clipping (0: off)")] public double Clip { get; init; }
    [JsonPropertyName("threads"), Description("CPU threads for tensor ops")] public int Threads { get; init; } = 1;

    /// <summary>The task's part of the training loop, for these (validated, resolved) options.</summary>
    public abstract TrainingTask CreateTask();

    /// <summary>The options as options.json records them: canonical spellings (and, by task, data folders made absolute).</summary>
    public virtual RunOptions Resolve() => this.Resolved();

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
