using System.Diagnostics;
using System.Text.Json.Serialization;
using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Training;
using NnRnn.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Tasks;

/// <summary>
/// Training a classifier on (permuted) sequential MNIST: metrics.csv has one row per epoch
/// (<c>epoch,train_loss,train_accuracy,valid_loss,valid_accuracy,seconds</c>); best.pt is the
/// best-validation model, rewritten whenever validation improves; model_epochK.pt every
/// <c>--save-freq</c> epochs; summary.json has the best model's test loss and accuracy.
/// <para>
/// Batches are reshuffled every epoch by a generator seeded with <c>--random-seed</c> (the last
/// batch of an epoch may be smaller); with <c>--no-shuffle</c> every epoch trains in the split's
/// order, as the reference's sMNIST.py does. train_loss is the epoch's mean cross-entropy over its images
/// as they were trained (without nnRNN's δ penalty, so it compares with valid_loss); validation
/// and test losses are the mean cross-entropy of the model after the epoch. The best epoch has
/// the highest validation accuracy, ties going to the lower validation loss.
/// </para>
/// <para>
/// A checkpoint holds, besides model, optimizers and generators, the best model, the shuffle
/// generator's state at the start of the current epoch (its order is drawn again on resume), the
/// position in the epoch and the epoch's running loss and accuracy sums.
/// </para>
/// </summary>
public sealed class PsmnistTraining(PsmnistOptions options) : TrainingTask<PsmnistTraining.State>
{
    public const string Task = "psmnist";

    private SequentialMnist? data;
    private RecurrentCell? cell;
    private SequenceClassifier? model, best;
    private RecurrentOptimizer? optimizer;
    private Generator? shuffle;
    private Tensor? epochStart;   // the shuffle generator's state before this epoch's order was drawn
    private Tensor? order;
    private Stopwatch epochWatch = new();
    private int bestEpoch;
    private double lossSum, bestValidLoss, bestValidAccuracy, lastValidLoss = double.NaN;
    private long correct, seen;

    /// <summary>The checkpoint's bookkeeping (JSON names as written by earlier versions).</summary>
    public sealed record State(
        [property: JsonPropertyName("epoch")] int Epoch,
        [property: JsonPropertyName("batch")] int Batch,
        [property: JsonPropertyName("updates")] int Updates,
        [property: JsonPropertyName("loss_sum"), JsonConverter(typeof(DoubleBits))] double LossSum,
        [property: JsonPropertyName("correct")] long Correct,
        [property: JsonPropertyName("seen")] long Seen,
        [property: JsonPropertyName("best_epoch")] int BestEpoch,
        [property: JsonPropertyName("train_images")] int TrainImages)
    {
        [JsonPropertyName("best_valid_loss"), JsonConverter(typeof(DoubleBits)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public double BestValidLoss { get; init; }

        [JsonPropertyName("best_valid_accuracy"), JsonConverter(typeof(DoubleBits)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public double BestValidAccuracy { get; init; }
    }

    /// <summary>The data of the run, shown when it starts.</summary>
    public sealed record PsmnistDetails(SequentialMnist Data) : TaskDetails;

    public override string Name => Task;

    public override IReadOnlyList<string> Columns => PsmnistEpochRow.Header;

    public override int Epochs => options.Epochs;

    public override int UpdatesPerEpoch => (Data.TrainCount + options.Batch - 1) / options.Batch;

    public override nn.Module Model => model ?? throw NotBuilt();

    public override RecurrentOptimizer Optimizer => optimizer ?? throw NotBuilt();

    public override TaskDetails Details => new PsmnistDetails(Data);

    private SequentialMnist Data => data ?? throw NotBuilt();

    public override void LoadData()
        => data = SequentialMnist.Load(options.DataFiles(), options.Permute, options.ValSize, options.LimitTrain, options.LimitTest);

    public override void Build(RunGenerators generators)
    {
        var spec = options.CellSpec(1) with { Generator = generators.Initialization };
        cell = CellFactory.Create(spec);
        model = Place(new SequenceClassifier(cell, SequentialMnist.Classes, generator: generators.Initialization) { Mode = options.Unroll });
        // best's initial values are overwritten before use; drawn from the run's generator all the same
        best = Place(new SequenceClassifier(CellFactory.Create(spec), SequentialMnist.Classes, generator: generators.Initialization) { Mode = options.Unroll });
        optimizer = new RecurrentOptimizer(model, cell, options.OptimizerSettings());
        shuffle = new Generator((ulong)options.RandomSeed);
        epochStart = shuffle.get_state();
        generators.Add("rng.shuffle", () => epochStart!, state => shuffle.set_state(state));
    }

    protected override State Capture(TrainingPosition position) =>
        new(position.Epoch, position.Batch, (int)position.Updates, lossSum, correct, seen, bestEpoch, Data.TrainCount)
        {
            BestValidLoss = bestEpoch > 0 ? bestValidLoss : 0,
            BestValidAccuracy = bestEpoch > 0 ? bestValidAccuracy : 0,
        };

    protected override TrainingPosition Restore(State state)
    {
        if (state.TrainImages != Data.TrainCount)
            throw new InvalidDataException($"--resume: the checkpoint trained on {state.TrainImages} images but the dataset now gives {Data.TrainCount}");
        (lossSum, correct, seen, bestEpoch) = (state.LossSum, state.Correct, state.Seen, state.BestEpoch);
        (bestValidLoss, bestValidAccuracy) = (state.BestValidLoss, state.BestValidAccuracy);
        return new TrainingPosition(state.Epoch, state.Batch, state.Updates);
    }

    protected override void SaveTensors(Checkpoint checkpoint)
    {
        if (bestEpoch > 0) checkpoint.PutModule("best", best!);
    }

    protected override void LoadTensors(Checkpoint checkpoint)
    {
        if (bestEpoch == 0) return;
        checkpoint.LoadModule("best", best!);
        foreach (var f in best!.Cell.OrthogonalFactors()) f.Refresh();
    }

    public override void Opened(RunSession session, TrainingPosition position)
    {
        if (session.PreviousRows.Count != position.Epoch)
            throw new InvalidDataException($"--resume: metrics.csv has {session.PreviousRows.Count} epoch rows but the checkpoint is in epoch {position.Epoch + 1}");
        // best.pt always matches the best model of the checkpoint resumed from (a killed session may have written a later one)
        var directory = session.Directory;
        if (bestEpoch > 0) directory.SaveModel("best.pt", best!);
        else if (File.Exists(directory.File("best.pt"))) File.Delete(directory.File("best.pt"));
        epochStart!.Dispose();
        epochStart = shuffle!.get_state();
    }

    public override void BeginEpoch(TrainingPosition position)
    {
        epochWatch = Stopwatch.StartNew();
        epochStart!.Dispose();
        epochStart = shuffle!.get_state();
        // --no-shuffle: the split's order every epoch, as the reference's DataLoader(shuffle=False)
        order = options.NoShuffle ? arange(Data.TrainCount, dtype: ScalarType.Int64)
                                  : randperm(Data.TrainCount, generator: shuffle, dtype: ScalarType.Int64);
    }

    /// <summary>
    /// One update: zero_grad; forward; cross-entropy on the last step's logits (+ δ penalty for
    /// the gradient); backward; orthogonal step; main step.
    /// </summary>
    public override UpdateResult Update(TrainingPosition position)
    {
        int size = options.Batch, count = Data.TrainCount;
        var picked = order![(position.Batch * size)..Math.Min(count, (position.Batch + 1) * size)];
        var rows = Data.TrainIndices.index_select(0, picked);
        var (input, target) = Data.TrainingFileBatch(rows);
        var (loss, right) = Update(model!, optimizer!, Place(input), Place(target));
        int images = (int)target.shape[0];
        lossSum += loss * images;
        correct += right;
        seen += images;
        return new ClassifierUpdate(loss, right, images, lossSum / seen, correct / (double)seen);
    }

    public override MetricsRow EndEpoch(TrainingPosition position, RunDirectory directory)
    {
        order!.Dispose();
        double trainLoss = lossSum / seen, trainAccuracy = correct / (double)seen;
        var (validLoss, validAccuracy) = Evaluate(model!, Data, SequentialMnistSplit.Validation, options.Batch);
        int epoch = position.Epoch + 1;
        if (!double.IsFinite(validLoss)) throw new RunDivergedException(new(position.Updates, epoch, "validation loss", validLoss));
        lastValidLoss = validLoss;
        // an exploded model is never the best one, whatever its accuracy
        bool improved = Divergence.UsableValidationLoss(validLoss, SequentialMnist.Classes)
                        && (bestEpoch == 0 || validAccuracy > bestValidAccuracy
                            || (validAccuracy == bestValidAccuracy && validLoss < bestValidLoss));
        if (improved)
        {
            best!.CopyFrom(model!);
            (bestEpoch, bestValidLoss, bestValidAccuracy) = (epoch, validLoss, validAccuracy);
            directory.SaveModel("best.pt", best);
        }
        if (options.SaveFreq > 0 && epoch % options.SaveFreq == 0) directory.SaveModel($"model_epoch{epoch}.pt", model!);
        double seconds = epochWatch.Elapsed.TotalSeconds;
        (lossSum, correct, seen) = (0, 0, 0);
        epochStart!.Dispose();
        epochStart = shuffle!.get_state();
        return new PsmnistEpochRow(epoch, trainLoss, trainAccuracy, validLoss, validAccuracy, Math.Round(seconds, 3)) { Best = improved };
    }

    public override RunSummary Finish(RunDirectory directory, double seconds, long parameters)
    {
        if (bestEpoch == 0)
            throw new RunDivergedException(new(options.Epochs * (long)UpdatesPerEpoch, options.Epochs, "validation loss of every epoch", lastValidLoss));
        var (testLoss, testAccuracy) = Evaluate(best!, Data, SequentialMnistSplit.Test, options.Batch);
        return new PsmnistSummary
        {
            Task = Task,
            NetType = cell!.NetType,
            Dataset = options.Dataset,
            Permute = options.Permute,
            Epochs = options.Epochs,
            Updates = options.Epochs * UpdatesPerEpoch,
            SeqLen = Data.Pixels,
            TrainImages = Data.TrainCount,
            ValidImages = Data.ValidCount,
            TestImages = Data.TestCount,
            BestEpoch = bestEpoch,
            BestValidLoss = bestValidLoss,
            BestValidAccuracy = bestValidAccuracy,
            TestLoss = testLoss,
            TestAccuracy = testAccuracy,
            Seconds = seconds,
            Parameters = parameters,
        };
    }

    /// <summary>Mean cross-entropy and accuracy of <paramref name="model"/> on a split, in batches, without gradients.</summary>
    public static (double Loss, double Accuracy) Evaluate(SequenceClassifier model, SequentialMnist data,
        SequentialMnistSplit split, int batch)
    {
        double lossSum = 0;
        long correct = 0, count = 0;
        using var noGrad = no_grad();
        var device = model.Readout.weight!.device;   // batches come from the CPU dataset
        bool move = device.type != DeviceType.CPU;
        foreach (var (cpuInput, cpuTarget) in data.Batches(split, batch))
        {
            using var scope = NewDisposeScope();
            using (cpuInput)
            using (cpuTarget)
            {
                var input = move ? cpuInput.to(device) : cpuInput;
                var target = move ? cpuTarget.to(device) : cpuTarget;
                var logits = model.forward(input);
                lossSum += nn.functional.cross_entropy(logits, target, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(target).sum().item<long>();
                count += target.shape[0];
            }
        }
        return (lossSum / count, correct / (double)count);
    }

    /// <summary>One update on a batch; returns the batch's cross-entropy and the correctly classified images (before the step).</summary>
    public static (double Loss, long Correct) Update(SequenceClassifier model, RecurrentOptimizer optimizer, Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var logits = model.forward(input);
        var loss = nn.functional.cross_entropy(logits, target);
        model.WithPenalty(loss).backward();
        optimizer.Step();
        return (loss.item<float>(), logits.argmax(1).eq(target).sum().item<long>());
    }

    public override void Dispose()
    {
        order?.Dispose();
        epochStart?.Dispose();
        optimizer?.Dispose();
        model?.Dispose();
        best?.Dispose();
        shuffle?.Dispose();
        data?.Dispose();
        base.Dispose();
    }

    private static InvalidOperationException NotBuilt() => new("the task is not built yet");
}

/// <summary>One classification update: the batch's loss and correct images, and the epoch's running means so far.</summary>
public sealed record ClassifierUpdate(double Loss, long Correct, int Images, double EpochLoss, double EpochAccuracy) : UpdateResult(Loss)
{
    public double Accuracy => Correct / (double)Images;
}

/// <summary>A psMNIST metrics row (one per epoch); <see cref="Best"/> when validation improved.</summary>
public sealed record PsmnistEpochRow(int Epoch, double TrainLoss, double TrainAccuracy, double ValidLoss, double ValidAccuracy,
    double Seconds) : MetricsRow
{
    public static readonly string[] Header = ["epoch", "train_loss", "train_accuracy", "valid_loss", "valid_accuracy", "seconds"];

    public bool Best { get; init; }

    public override IReadOnlyList<string> Columns => Header;

    public override object[] Values() => [Epoch, TrainLoss, TrainAccuracy, ValidLoss, ValidAccuracy, Seconds];
}

/// <summary>summary.json of a psMNIST run: the best epoch and the best model's test scores.</summary>
public sealed record PsmnistSummary : RunSummary
{
    [JsonPropertyName("dataset")] public required string Dataset { get; init; }
    [JsonPropertyName("permute")] public bool Permute { get; init; }
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("updates")] public int Updates { get; init; }
    [JsonPropertyName("seq_len")] public int SeqLen { get; init; }
    [JsonPropertyName("train_images")] public int TrainImages { get; init; }
    [JsonPropertyName("valid_images")] public int ValidImages { get; init; }
    [JsonPropertyName("test_images")] public int TestImages { get; init; }
    [JsonPropertyName("best_epoch"), Headline(1)] public int BestEpoch { get; init; }
    [JsonPropertyName("best_valid_loss"), Headline(2)] public double BestValidLoss { get; init; }
    [JsonPropertyName("best_valid_accuracy"), Headline(3)] public double BestValidAccuracy { get; init; }
    [JsonPropertyName("test_loss"), Headline(4)] public double TestLoss { get; init; }
    [JsonPropertyName("test_accuracy"), Headline(5)] public double TestAccuracy { get; init; }
}
