using System.ComponentModel;
using System.Text.Json.Serialization;
using NnRnn.Cells;
using NnRnn.Nonlinearities;
using NnRnn.Optim;
using NnRnn.Orthogonal;

namespace NnRnn.Experiments.Training;

/// <summary>
/// The model, optimiser and run options every task shares. The JSON name of a property is its
/// name in options.json and on the command line (<c>--NAME</c>, the seed's names); its
/// description is the command line's help. Each task's options derive from this and set their
/// own defaults. Adding a shared option is adding a property here.
/// <para>
/// Invalid values throw <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/>
/// is the property's name (the command line turns it into the option's name).
/// </para>
/// </summary>
public abstract record RunOptions
{
    [JsonPropertyName("net-type"), Description("RNN, RNN-orth, expRNN, nnRNN, LSTM or EURNN"), JsonConverter(typeof(SeedNameConverter<NetType>))]
    public NetType NetType { get; init; } = NetType.NnRnn;

    [JsonPropertyName("nhid"), Description("number of hidden units")]
    public int HiddenSize { get; init; } = 128;

    [JsonPropertyName("rinit"), Description("recurrent init: xavier, kaiming, henaff, cayley, random"), JsonConverter(typeof(SeedNameConverter<Initializer>))]
    public Initializer RecurrentInit { get; init; } = Initializer.Cayley;

    [JsonPropertyName("iinit"), Description("input init: xavier or kaiming"), JsonConverter(typeof(SeedNameConverter<Initializer>))]
    public Initializer InputInit { get; init; } = Initializer.Xavier;

    [JsonPropertyName("nonlin"), Description("none, tanh, relu, sigmoid or modrelu"), JsonConverter(typeof(SeedNameConverter<Activation>))]
    public Activation Activation { get; init; } = Activation.ModRelu;

    /// <summary>δ, nnRNN's penalty on γ (the seed's <c>alam</c>).</summary>
    [JsonPropertyName("alam"), Description("strength of the penalty on nnRNN's gammas (delta)")]
    public double Delta { get; init; } = 1e-4;

    [JsonPropertyName("capacity"), Description("EURNN: number of rotation layers (tunable space)")]
    public int Capacity { get; init; } = 2;

    [JsonPropertyName("fft"), Description("EURNN: FFT-style arrangement (log2 N layers)")]
    public bool Fft { get; init; }

    [JsonPropertyName("gradient"), Description("orthogonal gradient route: frechet (reference) or autograd"), JsonConverter(typeof(SeedNameConverter<OrthogonalGradient>))]
    public OrthogonalGradient Gradient { get; init; } = OrthogonalGradient.Frechet;

    [JsonPropertyName("unroll"), Description("fused (hand-written BPTT) or steps (per-step autograd)"), JsonConverter(typeof(SeedNameConverter<UnrollMode>))]
    public UnrollMode Unroll { get; init; } = UnrollMode.Fused;

    [JsonPropertyName("random-seed"), Description("random seed (initialisation and data order)")]
    public int RandomSeed { get; init; } = 400;

    [JsonPropertyName("batch"), Description("batch size")]
    public int Batch { get; init; } = 10;

    [JsonPropertyName("optimizer"), Description("RMSprop or Adam (both optimizers)"), JsonConverter(typeof(SeedNameConverter<OptimizerKind>))]
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.RMSprop;

    [JsonPropertyName("lr"), Description("learning rate of the main optimizer")]
    public double LearningRate { get; init; } = 5e-4;

    [JsonPropertyName("lr_orth"), Description("learning rate of the orthogonal optimizer")]
    public double OrthogonalLearningRate { get; init; } = 1e-6;

    [JsonPropertyName("alpha"), Description("RMSprop smoothing constant")]
    public double Alpha { get; init; } = 0.99;

    [JsonPropertyName("betas"), Description("Adam's beta1 beta2")]
    public double[] Betas { get; init; } = { 0.9, 0.999 };

    /// <summary>L2 weight decay on nnRNN's non-normal part T (the seed's <c>Tdecay</c>).</summary>
    [JsonPropertyName("Tdecay"), Description("weight decay on nnRNN's upper triangular T")]
    public double NonNormalDecay { get; init; } = 1e-6;

    [JsonPropertyName("clip"), Description("gradient-norm clipping (0: off)")]
    public double Clip { get; init; }

    [JsonPropertyName("threads"), Description("CPU threads for tensor ops")]
    public int Threads { get; init; } = 1;

    /// <summary>The task's command name (copytask, adding, psmnist, ptb), recorded in options.json as <c>task</c>.</summary>
    [JsonIgnore] public abstract string TaskName { get; }

    /// <summary>The task's part of the training loop, for these (validated, resolved) options.</summary>
    public abstract TrainingTask CreateTask();

    /// <summary>The options as options.json records them (by task: data folders made absolute).</summary>
    public virtual RunOptions Resolve() => this;

    /// <summary>
    /// Checks the values this layer owns; the cell and the task check theirs when they are built
    /// (before a run writes anything), naming the same properties.
    /// </summary>
    public virtual void Validate()
    {
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(Batch, nameof(Batch));
        Positive(Threads, nameof(Threads));
        if (Betas.Length != 2) throw new ArgumentException($"expected two values (got {Betas.Length})", nameof(Betas));
        OptimizerSettings().Validate();
    }

    /// <summary>Throws for a value below 1, naming <paramref name="name"/>.</summary>
    protected static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentException($"must be positive (got {value})", name);
    }

    public CellSpec CellSpec(long inputSize) => new(NetType, inputSize, HiddenSize, Activation, RecurrentInit, InputInit, Delta, Gradient, Capacity, Fft);

    public OptimizerSettings OptimizerSettings() => new()
    {
        Optimizer = Optimizer,
        LearningRate = LearningRate,
        OrthogonalLearningRate = OrthogonalLearningRate,
        Alpha = Alpha,
        Betas = (Betas.ElementAtOrDefault(0), Betas.ElementAtOrDefault(1)),
        NonNormalDecay = NonNormalDecay,
        Clip = Clip,
    };
}
