using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using NnRnn.Cells;
using NnRnn.Experiments.Data;
using NnRnn.Experiments.Models;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Training;
using NnRnn.Optim;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Tasks;

/// <summary>
/// Character-level Penn Treebank language modelling (REFERENCE.md "PTB characters"): the texts are
/// batchified into <c>--batch</c> (training) and <c>--eval-batch</c> (validation, test) columns and
/// read in truncated-BPTT windows of <c>--bptt</c>; the hidden state is carried from window to
/// window, detached, and starts from zeros at each epoch and each evaluation. After every epoch
/// the validation loss decides: a new best is saved as best.pt, otherwise both learning rates are
/// halved. At the end best.pt is evaluated on the test text. metrics.csv has one row per epoch.
/// </summary>
public sealed class PtbTraining(PtbOptions options) : TrainingTask<PtbTraining.State>
{
    public const string BestModelFile = "best.pt";
    public const string FinalModelFile = "model.pt";

    private PtbCorpus? corpus;
    private string folder = "";
    private string fingerprint = "";
    private RecurrentCell? cell;
    private LanguageModel? model;
    private RecurrentOptimizer? optimizer;
    private Tensor? trainData, validData, testData;
    private (long Start, long Length)[] windowList = [];
    private int windows;
    private RecurrentState? state;
    private TokenStats train;
    private PlateauHalving schedule = new();
    private double bestValidAccuracy = double.NaN, epochSeconds, lastValidLoss = double.NaN;
    private Stopwatch? epochWatch;

    /// <summary>The checkpoint's bookkeeping (JSON names as written by earlier versions); epoch is 1-based here.</summary>
    public sealed record State(
        [property: JsonPropertyName("corpus")] string Corpus,
        [property: JsonPropertyName("epoch")] int Epoch,
        [property: JsonPropertyName("window")] int Window,
        [property: JsonPropertyName("updates")] long Updates,
        [property: JsonPropertyName("train_loss_sum"), JsonConverter(typeof(DoubleBits))] double TrainLossSum,
        [property: JsonPropertyName("train_correct")] long TrainCorrect,
        [property: JsonPropertyName("train_count")] long TrainCount,
        [property: JsonPropertyName("best_valid_loss")] long? BestValidLossBits,
        [property: JsonPropertyName("best_valid_accuracy"), JsonConverter(typeof(DoubleBits))] double BestValidAccuracy,
        [property: JsonPropertyName("best_epoch")] int BestEpoch,
        [property: JsonPropertyName("halvings")] int Halvings,
        [property: JsonPropertyName("lr")] double LearningRate,
        [property: JsonPropertyName("epoch_seconds"), JsonConverter(typeof(DoubleBits))] double EpochSeconds);

    /// <summary>What the run trains on, shown when it starts.</summary>
    public sealed record PtbDetails(PtbCorpus Corpus, string DataFolder, int WindowsPerEpoch) : TaskDetails;

    public override string Name => "ptb";

    public override IReadOnlyList<string> Columns => PtbEpochRow.Header;

    public override int Epochs => options.Epochs;

    public override int UpdatesPerEpoch => windows;

    public override nn.Module Model => model ?? throw NotBuilt();

    public override RecurrentOptimizer Optimizer => optimizer ?? throw NotBuilt();

    public override TaskDetails Details => new PtbDetails(corpus ?? throw NotBuilt(), folder, windows);

    public override void LoadData()
    {
        folder = CorpusFolder(options.DataDir);
        corpus = PtbCorpus.Load(folder);
        CheckSizes(corpus, options);
        fingerprint = Fingerprint(corpus);
    }

    public override void Build(RunGenerators generators)
    {
        cell = CellFactory.Create(options.CellSpec(options.Emsize) with { Generator = generators.Initialization });
        model = Place(new LanguageModel(cell, corpus!.Vocabulary.Count, generators.Initialization) { Mode = options.Unroll });
        optimizer = new RecurrentOptimizer(model, cell, options.OptimizerSettings());
        trainData = Place(PtbCorpus.Batchify(corpus.Train, options.Batch));
        validData = Place(PtbCorpus.Batchify(corpus.Valid, options.EvalBatch));
        testData = Place(PtbCorpus.Batchify(corpus.Test, options.EvalBatch));
        windowList = PtbStep.Windows(trainData.shape[0], options.Bptt).ToArray();
        windows = options.MaxWindows > 0 ? Math.Min(options.MaxWindows, windowList.Length) : windowList.Length;
        state = model.InitialState(options.Batch);
    }

    protected override State Capture(TrainingPosition position) => new(fingerprint, position.Epoch + 1, position.Batch, position.Updates,
        train.LossSum, train.Correct, train.Count, schedule.BestLoss is double best ? BitConverter.DoubleToInt64Bits(best) : null,
        bestValidAccuracy, schedule.BestEpoch, schedule.Halvings, optimizer!.LearningRate,
        epochSeconds + (epochWatch?.Elapsed.TotalSeconds ?? 0));

    protected override TrainingPosition Restore(State saved)
    {
        if (saved.Corpus != fingerprint)
            throw new InvalidDataException($"--resume: the corpus in {folder} is not the one the run started with ({fingerprint}; the run saw {saved.Corpus})");
        train = new TokenStats(saved.TrainLossSum, saved.TrainCorrect, saved.TrainCount);
        schedule = PlateauHalving.Restore(saved.BestValidLossBits is long bits ? BitConverter.Int64BitsToDouble(bits) : null,
            saved.BestEpoch, saved.Halvings);
        bestValidAccuracy = saved.BestValidAccuracy;
        epochSeconds = saved.EpochSeconds;
        optimizer!.SetLearningRateScale(schedule.Scale);
        return new TrainingPosition(saved.Epoch - 1, saved.Window, saved.Updates);
    }

    protected override void SaveTensors(Checkpoint checkpoint) => SaveCarried(checkpoint, state!);

    protected override void LoadTensors(Checkpoint checkpoint)
    {
        state?.Dispose();
        state = LoadCarried(checkpoint);
    }

    public override void BeginEpoch(TrainingPosition position) => epochWatch = Stopwatch.StartNew();

    public override UpdateResult Update(TrainingPosition position)
    {
        var (start, length) = windowList[position.Batch];
        var (x, y) = PtbStep.Window(trainData!, start, length);
        var (stats, carried) = PtbStep.Train(model!, optimizer!, x, y, state!);
        state!.Dispose();
        state = carried.MoveToOuterDisposeScope();
        train += stats;
        return new TokenUpdate(stats);
    }

    public override MetricsRow EndEpoch(TrainingPosition position, RunDirectory directory)
    {
        var valid = PtbStep.Evaluate(model!, validData!, options.Bptt);
        double lr = optimizer!.LearningRate;
        int epoch = position.Epoch + 1;
        if (!double.IsFinite(valid.Loss)) throw new RunDivergedException(new(position.Updates, epoch, "validation loss", valid.Loss));
        lastValidLoss = valid.Loss;
        // an exploded validation loss is never a best: it halves the rates as a plateau does
        bool improved = schedule.Observe(epoch, valid.Loss, Divergence.UsableValidationLoss(valid.Loss, corpus!.Vocabulary.Count));
        if (improved)
        {
            bestValidAccuracy = valid.Accuracy;
            directory.SaveModel(BestModelFile, model!);
        }
        else optimizer!.ScaleLearningRates(0.5);
        double seconds = epochSeconds + (epochWatch?.Elapsed.TotalSeconds ?? 0);
        var row = new PtbEpochRow(epoch, train, valid, lr, Math.Round(seconds, 3)) { Improved = improved, Epochs = options.Epochs, ExactSeconds = seconds };
        train = new TokenStats();
        epochSeconds = 0;
        epochWatch = null;
        state!.Dispose();
        state = model!.InitialState(options.Batch);
        return row;
    }

    public override RunSummary Finish(RunDirectory directory, double seconds, long parameters)
    {
        if (schedule.BestLoss is null)
            throw new RunDivergedException(new(options.Epochs * (long)windows, options.Epochs, "validation loss of every epoch", lastValidLoss));
        InitialWeights.CopyInto(model!, directory.File(BestModelFile));   // onto the model's device
        foreach (var factor in cell!.OrthogonalFactors()) factor.Refresh();
        var test = PtbStep.Evaluate(model!, testData!, options.Bptt);
        double bestLoss = schedule.BestLoss ?? double.NaN;
        return new PtbSummary
        {
            Task = Name,
            NetType = cell.NetType,
            Epochs = options.Epochs,
            BestEpoch = schedule.BestEpoch,
            ValidLoss = bestLoss,
            ValidBpc = bestLoss / Math.Log(2),
            ValidAccuracy = bestValidAccuracy,
            TestLoss = test.Loss,
            TestBpc = test.Bpc,
            TestAccuracy = test.Accuracy,
            TrainUnigramEntropyBpc = corpus!.TrainUnigramEntropyNats / Math.Log(2),
            Vocabulary = corpus.Vocabulary.Count,
            WindowsPerEpoch = windows,
            Halvings = schedule.Halvings,
            FinalLr = optimizer!.LearningRate,
            FinalLrOrth = optimizer!.OrthogonalLearningRate,
            Seconds = seconds,
            Parameters = parameters,
        };
    }

    public override void Dispose()
    {
        state?.Dispose();
        trainData?.Dispose();
        validData?.Dispose();
        testData?.Dispose();
        optimizer?.Dispose();
        model?.Dispose();
        base.Dispose();
    }

    private static InvalidOperationException NotBuilt() => new("the task is not built yet");

    /// <summary>
    /// The folder holding the PTB files (ptb.char.{train,valid,test}.txt or {train,valid,test}.txt):
    /// <paramref name="dataDir"/> itself or its <c>ptb</c> folder; by default the <c>ptb</c> folder
    /// of <see cref="DataDirectory"/>'s root. A missing file is a one-line
    /// <see cref="DataMissingException"/> naming it and the download command.
    /// </summary>
    public static string CorpusFolder(string? dataDir)
    {
        var root = new DataDirectory(dataDir);
        string[] candidates = dataDir is null ? [root.DatasetFolder("ptb")] : [root.Root, root.DatasetFolder("ptb")];
        string[] parts = ["train", "valid", "test"];
        bool Has(string dir, string part) => File.Exists(Path.Combine(dir, $"ptb.char.{part}.txt")) || File.Exists(Path.Combine(dir, $"{part}.txt"));
        var complete = candidates.FirstOrDefault(dir => parts.All(p => Has(dir, p)));
        if (complete is not null) return complete;
        var closest = candidates.OrderByDescending(dir => parts.Count(p => Has(dir, p))).First();
        var missing = parts.First(p => !Has(closest, p));
        throw new DataMissingException(
            $"ptb: missing ptb.char.{missing}.txt (or {missing}.txt) in {string.Join(" or ", candidates)}; " +
            $"download it with: {root.DownloadCommand("ptb")}");
    }


    private static void CheckSizes(PtbCorpus corpus, PtbOptions options)
    {
        void Check(long tokens, int columns, string text, string option)
        {
            if (tokens < 2L * columns)
                throw new ArgumentException($"{option}: the {text} text has {tokens} tokens, too few for {columns} columns of at least 2 tokens");
        }
        Check(corpus.Train.LongLength, options.Batch, "training", "--batch");
        Check(corpus.Valid.LongLength, options.EvalBatch, "validation", "--eval-batch");
        Check(corpus.Test.LongLength, options.EvalBatch, "test", "--eval-batch");
    }

    /// <summary>Identifies the corpus a run trains on (vocabulary and sizes), checked on resume.</summary>
    private static string Fingerprint(PtbCorpus corpus)
    {
        var tokens = Encoding.UTF8.GetBytes(string.Join("\n", corpus.Vocabulary.Tokens));
        var hash = Convert.ToHexString(SHA256.HashData(tokens))[..12].ToLowerInvariant();
        return $"vocabulary {corpus.Vocabulary.Count} ({hash}), tokens {corpus.Train.Length}/{corpus.Valid.Length}/{corpus.Test.Length}";
    }

    /// <summary>The carried state's tensors ("state.0", …); complex ones (EURNN) as their real view.</summary>
    private static void SaveCarried(Checkpoint checkpoint, RecurrentState state)
    {
        for (int i = 0; i < state.Count; i++)
        {
            using var part = state[i].is_complex() ? view_as_real(state[i]) : state[i].detach();
            checkpoint.PutTensor($"state.{i}", part);
        }
    }

    /// <summary>The carried state back, shaped like the cell's own state (which parts are complex).</summary>
    private RecurrentState LoadCarried(Checkpoint checkpoint)
    {
        using var template = model!.InitialState(1);
        var parts = new Tensor[template.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            var part = checkpoint.GetTensor($"state.{i}");
            if (template[i].is_complex())
            {
                parts[i] = view_as_complex(part).clone();
                part.Dispose();
            }
            else parts[i] = part;
            parts[i] = Place(parts[i]);
        }
        return new RecurrentState(parts);
    }
}

/// <summary>One truncated-BPTT window: its token statistics.</summary>
public sealed record TokenUpdate(TokenStats Stats) : UpdateResult(Stats.Loss);

/// <summary>A PTB metrics row (one per epoch); lr is the main learning rate used during the epoch.</summary>
public sealed record PtbEpochRow(int Epoch, TokenStats Train, TokenStats Valid, double LearningRate, double Seconds) : MetricsRow
{
    public static readonly string[] Header =
        ["epoch", "train_loss", "train_bpc", "train_accuracy", "valid_loss", "valid_bpc", "valid_accuracy", "lr", "seconds"];

    /// <summary>Whether validation improved (else both learning rates were halved).</summary>
    public bool Improved { get; init; }

    public int Epochs { get; init; }

    /// <summary>The epoch's seconds before rounding.</summary>
    public double ExactSeconds { get; init; }

    public override IReadOnlyList<string> Columns => Header;

    public override object[] Values() =>
        [Epoch, Train.Loss, Train.Bpc, Train.Accuracy, Valid.Loss, Valid.Bpc, Valid.Accuracy, LearningRate, Seconds];
}

/// <summary>summary.json of a PTB run: the best epoch's validation scores and best.pt's test scores (NaN or infinity as strings).</summary>
public sealed record PtbSummary : RunSummary
{
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("best_epoch"), Headline(1)] public int BestEpoch { get; init; }
    [JsonPropertyName("valid_loss")] public double ValidLoss { get; init; }
    [JsonPropertyName("valid_bpc"), Headline(2)] public double ValidBpc { get; init; }
    [JsonPropertyName("valid_accuracy"), Headline(3)] public double ValidAccuracy { get; init; }
    [JsonPropertyName("test_loss"), Headline(4)] public double TestLoss { get; init; }
    [JsonPropertyName("test_bpc"), Headline(5)] public double TestBpc { get; init; }
    [JsonPropertyName("test_accuracy"), Headline(6)] public double TestAccuracy { get; init; }
    [JsonPropertyName("train_unigram_entropy_bpc"), Headline(7)] public double TrainUnigramEntropyBpc { get; init; }
    [JsonPropertyName("vocabulary")] public int Vocabulary { get; init; }
    [JsonPropertyName("windows_per_epoch")] public int WindowsPerEpoch { get; init; }
    [JsonPropertyName("halvings"), Headline(8)] public int Halvings { get; init; }
    [JsonPropertyName("final_lr")] public double FinalLr { get; init; }

    /// <summary>The orthogonal optimizer's final rate; absent when the cell has no orthogonal factor.</summary>
    [JsonPropertyName("final_lr_orth"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? FinalLrOrth { get; init; }
}
