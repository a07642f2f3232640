using NnRnn.Randomness;
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

    /// <summary>Whose initial distributions (README "Initialisation"); original by default, as the seed's published runs drew them.</summary>
    [JsonPropertyName("init"), Description("initial distributions: original (what the reference code draws, the published runs) or documented (--iinit/--rinit as named)"), JsonConverter(typeof(SeedNameConverter<InitStyle>))]
    public InitStyle Init { get; init; } = InitStyle.Original;

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

    /// <summary>The seed's table row these options started from (<see cref="Presets.PresetCatalog"/>); applied by the command line.</summary>
    [JsonPropertyName("preset"), Description("start from a row of the seed's hyper-parameter tables (nnrnn presets lists them); options given explicitly override it")]
    public string? Preset { get; init; }

    /// <summary>Chooses nhid by <see cref="Models.ParameterMatch"/>; applied by the command line, recorded here.</summary>
    [JsonPropertyName("match-params"), Description("choose nhid so that the whole model has the parameter count closest to N (free parameters, as the seed counts)")]
    public long? MatchParams { get; init; }

    /// <summary>A folder for TensorBoard event files (the run's go into its subfolder named as the run directory).</summary>
    [JsonPropertyName("tensorboard"), Description("also write TensorBoard scalar summaries to DIR/RUN_NAME/")]
    public string? TensorBoard { get; init; }

    /// <summary>A PyTorch state dict whose weights replace the initialisation (a fresh run only).</summary>
    [JsonPropertyName("init-from"), Description("start from the weights of a PyTorch state dict (e.g. a run's model.pt) instead of the initialisation")]
    public string? InitFrom { get; init; }

    /// <summary>Checks <see cref="MatchParams"/>, <see cref="TensorBoard"/>, <see cref="InitFrom"/> (the preset is checked when applied).</summary>
    private void ValidateExperimentOptions()
    {
        if (MatchParams is { } n) Positive(n, nameof(MatchParams));
        if (TensorBoard is { Length: 0 }) throw new ArgumentException("empty path", nameof(TensorBoard));
        if (InitFrom is { } file && !File.Exists(file)) throw new ArgumentException($"'{file}' does not exist", nameof(InitFrom));
    }

    /// <summary>The paths of <see cref="TensorBoard"/> and <see cref="InitFrom"/> made absolute (options.json must not depend on the working directory).</summary>
    public RunOptions WithAbsolutePaths() => this with
    {
        TensorBoard = TensorBoard is null ? null : Path.GetFullPath(TensorBoard),
        InitFrom = InitFrom is null ? null : Path.GetFullPath(InitFrom),
    };

    /// <summary>What the task builds around the cell (input width, outputs, embedding), for parameter counts.</summary>
    public abstract Models.ModelShape ModelShape();

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
        if (Threads is < 1 or > MaxThreads) throw new ArgumentException($"expected 1 to {MaxThreads} threads (got {Threads})", nameof(Threads));
        Positive(Capacity, nameof(Capacity));
        if (!(double.IsFinite(Delta) && Delta >= 0)) throw new ArgumentException($"expected a finite number >= 0 (got {Delta})", nameof(Delta));
        if (Betas.Length != 2) throw new ArgumentException($"expected two values (got {Betas.Length})", nameof(Betas));
        OptimizerSettings().Validate();
        ValidateExperimentOptions();
        // Sizes last: the footprint is computed in floating point from the raw values, so it
        // cannot overflow; a task's own values (T, bptt, ...) are range-checked by its override.
        var defaults = (RunOptions)Activator.CreateInstance(GetType())!;
        MemoryEstimate.Check(this, Footprint(), defaults, defaults.Footprint());
    }

    /// <summary>The most CPU threads accepted (far above any machine's cores; it only guards against nonsense).</summary>
    public const int MaxThreads = 1024;

    /// <summary>
    /// The shape of one update, for the memory check (from the raw option values; must not throw).
    /// A task overrides it; this default counts the cell alone (one input, one output, one step).
    /// </summary>
    public virtual RunFootprint Footprint() => new(1, 1, 1, 1, null);

    /// <summary>Throws for a value below 1, naming <paramref name="name"/>.</summary>
    protected static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentException($"must be positive (got {value})", name);
    }

    /// <summary>
    /// The cell these options describe. With <c>--init original</c> the values the reference draws
    /// with numpy come from numpy's stream seeded with <c>--random-seed</c> (the reference calls
    /// np.random.seed(seed) before building its model and draws nothing from numpy before it), so a
    /// seed starts from the reference's very parameters; numpy takes no negative seed, which keeps the
    /// torch draws of the same distributions.
    /// </summary>
    public CellSpec CellSpec(long inputSize) => new(NetType, inputSize, HiddenSize, Activation, RecurrentInit, InputInit, Delta, Gradient, Capacity, Fft,
        Init: Init, Numpy: Init == InitStyle.Original && RandomSeed >= 0 ? new NumpyRandomState((uint)RandomSeed) : null);

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
