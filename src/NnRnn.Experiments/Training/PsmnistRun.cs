using System.Diagnostics;
using System.Text.Json.Nodes;
using NnRnn.Cells;
using NnRnn.Optim;
using NnRnn.Experiments.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Training;

/// <summary>What a sequential-MNIST run reports as it goes.</summary>
public abstract record PsmnistProgress;

/// <summary>After every update: this batch's loss and accuracy and the epoch's running means so far.</summary>
public sealed record PsmnistUpdate(int Epoch, int Epochs, int Batch, int Batches, int Update,
    double Loss, double Accuracy, double EpochLoss, double EpochAccuracy, double Milliseconds) : PsmnistProgress;

/// <summary>After every epoch (one metrics row); <paramref name="Best"/> when validation improved.</summary>
public sealed record PsmnistEpoch(int Epoch, int Epochs, double TrainLoss, double TrainAccuracy,
    double ValidLoss, double ValidAccuracy, bool Best, double Seconds) : PsmnistProgress;

/// <summary>
/// Trains a classifier on (permuted) sequential MNIST and records the run: options.json,
/// metrics.csv (one row per epoch: <c>epoch,train_loss,train_accuracy,valid_loss,valid_accuracy,seconds</c>),
/// checkpoint.bin, best.pt (the best-validation model, rewritten whenever validation improves),
/// model_epochK.pt every <c>--save-freq</c> epochs, and at the end model.pt (the last model) and
/// summary.json (the best model's test loss and accuracy).
/// <para>
/// Batches are reshuffled every epoch by a generator seeded with <c>--random-seed</c> (the last
/// batch of an epoch may be smaller). train_loss is the epoch's mean cross-entropy over its images
/// as they were trained (without nnRNN's δ penalty, so it compares with valid_loss); validation
/// and test losses are the mean cross-entropy of the model after the epoch. The best epoch has
/// the highest validation accuracy, ties going to the lower validation loss.
/// </para>
/// <para>
/// Checkpoints are taken every <see cref="RunControl.CheckpointEvery"/> updates (also inside an
/// epoch) and after every epoch. They hold the model, the best model, both optimizers, the
/// global generator, the shuffle generator's state at the start of the current epoch (its order
/// is drawn again on resume), the position in the epoch and the epoch's running loss and accuracy
/// sums; a resumed run ends with the same metrics, bit for bit on CPU, as an uninterrupted one.
/// </para>
/// </summary>
public static class PsmnistRun
{
    public const string Task = "psmnist";

    /// <summary>The metrics.csv header.</summary>
    public static readonly string[] Columns = { "epoch", "train_loss", "train_accuracy", "valid_loss", "valid_accuracy", "seconds" };

    /// <summary>
    /// A new run in <paramref name="outDir"/>. The options are validated, the dataset is read and
    /// the model built before anything is written (a missing dataset throws
    /// <see cref="NnRnn.Experiments.Data.DataMissingException"/> and leaves no directory behind).
    /// </summary>
    /// <param name="started">Called once data and model are ready, before anything is written.</param>
    /// <returns>The summary, or null when <see cref="RunControl.StopAfter"/> stopped the session early.</returns>
    public static Dictionary<string, object>? Run(PsmnistOptions options, string outDir, RunControl? control = null,
        Action<PsmnistProgress>? progress = null, Action<SequentialMnist>? started = null)
    {
        options.Validate();
        options = options.Resolved().WithResolvedData();
        var resolved = options;
        return Train(options, () => RunSession.Start(outDir, resolved, Columns), control ?? new(), progress, started);
    }

    /// <summary>Continues the run in <paramref name="runDir"/> from its last checkpoint.</summary>
    public static Dictionary<string, object>? Resume(string runDir, RunControl? control = null,
        Action<PsmnistProgress>? progress = null, Action<SequentialMnist>? started = null)
    {
        var options = RunSession.ReadOptions<PsmnistOptions>(runDir);
        options.Validate();
        return Train(options, () => RunSession.Resume(runDir, Columns), control ?? new(), progress, started);
    }

    /// <summary>Mean cross-entropy and accuracy of <paramref name="model"/> on a split, in batches, without gradients.</summary>
    public static (double Loss, double Accuracy) Evaluate(SequenceClassifier model, SequentialMnist data,
        SequentialMnistSplit split, int batch)
    {
        double lossSum = 0;
        long correct = 0, count = 0;
        using var noGrad = no_grad();
        foreach (var (input, target) in data.Batches(split, batch))
        {
            using var scope = NewDisposeScope();
            using (input)
            using (target)
            {
                var logits = model.forward(input);
                lossSum += nn.functional.cross_entropy(logits, target, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(target).sum().item<long>();
                count += target.shape[0];
            }
        }
        return (lossSum / count, correct / (double)count);
    }

    /// <summary>
    /// One update: zero_grad; forward; cross-entropy on the last step's logits (+ δ penalty for
    /// the gradient); backward; orthogonal step; main step. Returns the batch's cross-entropy and
    /// the number of correctly classified images (before the step).
    /// </summary>
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

    // Doubles go into the checkpoint's JSON as their bits: exact, and NaN survives a diverged run.
    private static void PutDouble(JsonObject meta, string key, double value) => meta[key] = BitConverter.DoubleToInt64Bits(value);

    private static double GetDouble(JsonObject meta, string key) => BitConverter.Int64BitsToDouble(meta[key]!.GetValue<long>());

    private static Dictionary<string, object>? Train(PsmnistOptions options, Func<RunSession> open, RunControl control,
        Action<PsmnistProgress>? progress, Action<SequentialMnist>? started)
    {
        control.Validate();
        set_num_threads(options.Threads);
        using var data = SequentialMnist.Load(options.DataFiles(), options.Permute, options.ValSize, options.LimitTrain, options.LimitTest);
        manual_seed(options.RandomSeed);
        var cell = CellFactory.Create(options.CellSpec(1));
        using var model = new SequenceClassifier(cell, SequentialMnist.Classes) { Mode = options.UnrollMode() };
        using var best = new SequenceClassifier(CellFactory.Create(options.CellSpec(1)), SequentialMnist.Classes) { Mode = options.UnrollMode() };
        using var optimizer = new RecurrentOptimizer(model, cell, options.OptimizerSettings());
        using var shuffle = new Generator((ulong)options.RandomSeed);
        started?.Invoke(data);

        using var session = open();
        var directory = session.Directory;
        int batchSize = options.Batch, trainCount = data.TrainCount;
        int batches = (trainCount + batchSize - 1) / batchSize;
        int totalUpdates = options.Epochs * batches;

        // position and bookkeeping (what a checkpoint stores)
        int epoch = 0, batch = 0, updates = 0, bestEpoch = 0;
        double lossSum = 0, bestValidLoss = 0, bestValidAccuracy = 0;
        long correct = 0, seen = 0;
        Tensor epochStart;   // the shuffle generator's state before this epoch's order was drawn

        if (session.Checkpoint is { } resumed)
        {
            var meta = resumed.Meta;
            int savedTrain = meta["train_images"]!.GetValue<int>();
            if (savedTrain != trainCount)
                throw new InvalidDataException($"--resume: the checkpoint trained on {savedTrain} images but the dataset now gives {trainCount}");
            resumed.LoadModule("model", model);
            resumed.LoadOptimizers(optimizer);
            epoch = meta["epoch"]!.GetValue<int>();
            batch = meta["batch"]!.GetValue<int>();
            updates = meta["updates"]!.GetValue<int>();
            lossSum = GetDouble(meta, "loss_sum");
            correct = meta["correct"]!.GetValue<long>();
            seen = meta["seen"]!.GetValue<long>();
            bestEpoch = meta["best_epoch"]!.GetValue<int>();
            if (bestEpoch > 0)
            {
                bestValidLoss = GetDouble(meta, "best_valid_loss");
                bestValidAccuracy = GetDouble(meta, "best_valid_accuracy");
                resumed.LoadModule("best", best);
                foreach (var f in best.Cell.OrthogonalFactors()) f.Refresh();
            }
            resumed.LoadGenerator("rng.shuffle", shuffle);
            using (var global = resumed.GetTensor("rng.global")) set_rng_state(global);
        }
        if (session.PreviousRows.Count != epoch)
            throw new InvalidDataException($"--resume: metrics.csv has {session.PreviousRows.Count} epoch rows but the checkpoint is in epoch {epoch + 1}");
        // best.pt always matches the best model of the checkpoint resumed from (a killed session may have written a later one)
        if (bestEpoch > 0) directory.SaveModel("best.pt", best);
        else if (File.Exists(directory.File("best.pt"))) File.Delete(directory.File("best.pt"));
        epochStart = shuffle.get_state();

        void SaveCheckpoint()
        {
            var checkpoint = new Checkpoint();
            var meta = checkpoint.Meta;
            meta["epoch"] = epoch;
            meta["batch"] = batch;
            meta["updates"] = updates;
            PutDouble(meta, "loss_sum", lossSum);
            meta["correct"] = correct;
            meta["seen"] = seen;
            meta["best_epoch"] = bestEpoch;
            meta["train_images"] = trainCount;
            checkpoint.PutModule("model", model);
            checkpoint.PutOptimizers(optimizer);
            if (bestEpoch > 0)
            {
                PutDouble(meta, "best_valid_loss", bestValidLoss);
                PutDouble(meta, "best_valid_accuracy", bestValidAccuracy);
                checkpoint.PutModule("best", best);
            }
            checkpoint.PutTensor("rng.shuffle", epochStart);
            using (var global = get_rng_state()) checkpoint.PutTensor("rng.global", global);
            session.SaveCheckpoint(checkpoint);
        }

        var total = Stopwatch.StartNew();
        int thisSession = 0;
        try
        {
            while (epoch < options.Epochs)
            {
                var watch = Stopwatch.StartNew();
                epochStart.Dispose();
                epochStart = shuffle.get_state();
                using (var order = randperm(trainCount, generator: shuffle, dtype: ScalarType.Int64))
                {
                    while (batch < batches)
                    {
                        var step = Stopwatch.StartNew();
                        double loss;
                        long right;
                        int size;
                        using (var scope = NewDisposeScope())
                        {
                            var picked = order[(batch * batchSize)..Math.Min(trainCount, (batch + 1) * batchSize)];
                            var rows = data.TrainIndices.index_select(0, picked);
                            var (input, target) = data.TrainingFileBatch(rows);
                            size = (int)target.shape[0];
                            (loss, right) = Update(model, optimizer, input, target);
                        }
                        batch++;
                        updates++;
                        lossSum += loss * size;
                        correct += right;
                        seen += size;
                        progress?.Invoke(new PsmnistUpdate(epoch + 1, options.Epochs, batch, batches, updates,
                            loss, right / (double)size, lossSum / seen, correct / (double)seen, step.Elapsed.TotalMilliseconds));
                        if (updates % control.CheckpointEvery == 0 && batch < batches) SaveCheckpoint();
                        if (++thisSession == control.StopAfter && updates < totalUpdates) return null;
                    }
                }

                double trainLoss = lossSum / seen, trainAccuracy = correct / (double)seen;
                var (validLoss, validAccuracy) = Evaluate(model, data, SequentialMnistSplit.Validation, batchSize);
                bool improved = bestEpoch == 0 || validAccuracy > bestValidAccuracy
                                || (validAccuracy == bestValidAccuracy && validLoss < bestValidLoss);
                epoch++;
                if (improved)
                {
                    best.CopyFrom(model);
                    (bestEpoch, bestValidLoss, bestValidAccuracy) = (epoch, validLoss, validAccuracy);
                    directory.SaveModel("best.pt", best);
                }
                if (options.SaveFreq > 0 && epoch % options.SaveFreq == 0) directory.SaveModel($"model_epoch{epoch}.pt", model);
                double seconds = watch.Elapsed.TotalSeconds;
                session.Metrics.Append(epoch, trainLoss, trainAccuracy, validLoss, validAccuracy, Math.Round(seconds, 3));
                progress?.Invoke(new PsmnistEpoch(epoch, options.Epochs, trainLoss, trainAccuracy, validLoss, validAccuracy, improved, seconds));
                (batch, lossSum, correct, seen) = (0, 0, 0, 0);
                epochStart.Dispose();
                epochStart = shuffle.get_state();
                SaveCheckpoint();
            }
        }
        finally
        {
            epochStart.Dispose();
        }

        var (testLoss, testAccuracy) = Evaluate(best, data, SequentialMnistSplit.Test, batchSize);
        directory.SaveModel("model.pt", model);
        var summary = new Dictionary<string, object>
        {
            ["task"] = Task,
            ["dataset"] = options.Dataset,
            ["net_type"] = cell.NetType,
            ["permute"] = options.Permute,
            ["epochs"] = options.Epochs,
            ["updates"] = updates,
            ["seq_len"] = data.Pixels,
            ["train_images"] = data.TrainCount,
            ["valid_images"] = data.ValidCount,
            ["test_images"] = data.TestCount,
            ["best_epoch"] = bestEpoch,
            ["best_valid_loss"] = bestValidLoss,
            ["best_valid_accuracy"] = bestValidAccuracy,
            ["test_loss"] = testLoss,
            ["test_accuracy"] = testAccuracy,
            ["seconds"] = Math.Round(total.Elapsed.TotalSeconds, 3),
            ["parameters"] = model.parameters().Sum(p => p.numel()),
        };
        directory.WriteJson("summary.json", summary);
        return summary;
    }
}
