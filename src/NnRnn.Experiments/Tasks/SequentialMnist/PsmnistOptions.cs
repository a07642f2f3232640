using System.ComponentModel;
using System.Text.Json.Serialization;
using NnRnn.Experiments.Training;
using NnRnn.Experiments.Data;

namespace NnRnn.Experiments.Tasks;

/// <summary>
/// <c>nnrnn psmnist</c>; defaults are the seed's nnRNN sMNIST row (N = 512, RMSprop α = 0.99,
/// lr 2e-4, lr_orth 2e-5, δ 0.1, T decay 1e-4, cayley), batch 100, 100 epochs, unpermuted MNIST.
/// </summary>
public sealed record PsmnistOptions : RunOptions
{
    /// <summary>The datasets <c>--dataset</c> accepts.</summary>
    public static readonly string[] Datasets = { "mnist", "fashion-mnist" };

    public PsmnistOptions()
    {
        HiddenSize = 512;
        Batch = 100;
        LearningRate = 2e-4;
        OrthogonalLearningRate = 2e-5;
        Alpha = 0.99;
        Delta = 0.1;
        NonNormalDecay = 1e-4;
    }

    [JsonPropertyName("dataset"), Description("mnist or fashion-mnist")] public string Dataset { get; init; } = "mnist";

    /// <summary>The data root (its <c>mnist</c>/<c>fashion-mnist</c> folders); null for <see cref="DataDirectory.DefaultRoot()"/>.</summary>
    [JsonPropertyName("data-dir"), Description("data root holding mnist/ and fashion-mnist/, or a folder with the IDX files themselves (default: $NNRNN_DATA, else ~/.cache/nnrnn)")] public string? DataDir { get; init; }

    [JsonPropertyName("epochs"), Description("number of epochs")] public int Epochs { get; init; } = 100;
    [JsonPropertyName("permute"), Description("feed the pixels in a fixed random order (seed 1234, independent of --random-seed)")] public bool Permute { get; init; }

    /// <summary>Validation images split off the training file; null: 10,000, or a sixth of a smaller file.</summary>
    [JsonPropertyName("val-size"), Description("validation images split off the training file (default 10000, or a sixth of a smaller file)")] public int? ValSize { get; init; }

    /// <summary>Train on at most this many images of the train part (after the validation split); null: all.</summary>
    [JsonPropertyName("limit-train"), Description("train on the first N images of the train part only (validation is unchanged)")] public int? LimitTrain { get; init; }

    /// <summary>Test on at most this many test images (the first ones); null: all.</summary>
    [JsonPropertyName("limit-test"), Description("test on the first N test images only")] public int? LimitTest { get; init; }

    /// <summary>Train every epoch in the split's order (the reference's sMNIST.py: shuffle=False) instead of reshuffling.</summary>
    [JsonPropertyName("no-shuffle"), Description("train every epoch in the split's order, as the reference's sMNIST.py does (default: reshuffle every epoch)")] public bool NoShuffle { get; init; }

    /// <summary>Also save the model every this many epochs (model_epochK.pt); 0: never.</summary>
    [JsonPropertyName("save-freq"), Description("also save the model every K epochs (model_epochK.pt; 0: never)")] public int SaveFreq { get; init; }

    [JsonIgnore] public override string TaskName => PsmnistTraining.Task;

    public override TrainingTask CreateTask() => new PsmnistTraining(this);

    /// <summary>784 pixels of one value, a read-out after the last; 70,000 images of 784 float32 pixels in memory.</summary>
    public override RunFootprint Footprint() => new(1, 10, 1, 784, null, DataBytes: 70_000 * 784 * 4.0);

    /// <summary>One pixel per step, ten classes.</summary>
    public override Models.ModelShape ModelShape() => new(1, SequentialMnist.Classes);

    public override RunOptions Resolve() => WithResolvedData();

    public override void Validate()
    {
        base.Validate();
        if (!Datasets.Contains(Dataset, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"unknown dataset '{Dataset}' (expected one of: {string.Join(", ", Datasets)})", nameof(Dataset));
        Positive(Epochs, nameof(Epochs));
        if (ValSize is { } v) Positive(v, nameof(ValSize));
        if (LimitTrain is { } t) Positive(t, nameof(LimitTrain));
        if (LimitTest is { } u) Positive(u, nameof(LimitTest));
        if (SaveFreq < 0) throw new ArgumentException($"must be 0 (off) or positive (got {SaveFreq})", nameof(SaveFreq));
        if (DataDir is { Length: 0 }) throw new ArgumentException("empty path", nameof(DataDir));   // given, so never the default
    }

    /// <summary>The resolved options with the dataset name in lower case and the data root made absolute.</summary>
    public PsmnistOptions WithResolvedData() => this with
    {
        Dataset = Dataset.ToLowerInvariant(),
        DataDir = DataDir is null ? null : new DataDirectory(DataDir).Root, // null keeps the default's fallbacks
    };

    /// <summary>Where this run's dataset files are.</summary>
    public IdxFilePaths DataFiles() => new DataDirectory(DataDir).ResolveIdx(Dataset.ToLowerInvariant());
}
