using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NnRnn.Cells;
using NnRnn.Experiments.Data;
using NnRnn.Optim;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Training;

/// <summary>What a PTB run is about to train (reported once the model is built, before anything is written).</summary>
public sealed record PtbStart(PtbCorpus Corpus, string DataFolder, int WindowsPerEpoch, long Parameters, bool Resumed);

/// <summary>Progress of a PTB run.</summary>
public abstract record PtbProgress(int Epoch);

/// <summary>Training statistics of the windows since the previous report (every <c>--log-interval</c> windows and at the end of an epoch).</summary>
public sealed record PtbWindowProgress(int Epoch, int Window, int Windows, TokenStats Interval, double LearningRate, double MsPerWindow)
    : PtbProgress(Epoch);

/// <summary>The end of an epoch: the metrics row, and whether validation improved (else the rates were halved).</summary>
public sealed record PtbEpochProgress(int Epoch, int Epochs, TokenStats Train, TokenStats Valid, double LearningRate,
    bool Improved, double Seconds) : PtbProgress(Epoch);

/// <summary>
/// Character-level Penn Treebank language modelling (REFERENCE.md "PTB characters"): the texts are
/// batchified into <c>--batch</c> (training) and <c>--eval-batch</c> (validation, test) columns and
/// read in truncated-BPTT windows of <c>--bptt</c>; the hidden state is carried from window to
/// window, detached, and starts from zeros at each epoch and each evaluation. After every epoch
/// the validation loss decides: a new best is saved as best.pt, otherwise both learning rates are
/// halved. At the end best.pt is evaluated on the test text.
/// The run directory holds options.json, metrics.csv (one row per epoch), checkpoint.bin
/// (every <see cref="RunControl.CheckpointEvery"/> windows and after every epoch), best.pt,
/// and at the end model.pt (the last model) and summary.json. A resumed run ends with the same
/// metrics as an uninterrupted one.
/// </summary>
public static class PtbRun
{
    public const string BestModelFile = "best.pt";
    public const string FinalModelFile = "model.pt";

    /// <summary>The columns of metrics.csv; lr is the main learning rate used during the epoch.</summary>
    public static readonly string[] Columns =
        { "epoch", "train_loss", "train_bpc", "train_accuracy", "valid_loss", "valid_bpc", "valid_accuracy", "lr", "seconds" };

    /// <summary>A new run in <paramref name="outDir"/>; options, data and model are checked before anything is written.</summary>
    /// <param name="started">Called once the corpus is loaded and the model built, before anything is written.</param>
    /// <returns>The summary, or null when <see cref="RunControl.StopAfter"/> stopped the session early.</returns>
    public static Dictionary<string, object>? Run(PtbOptions options, string outDir, RunControl? control = null,
        Action<PtbProgress>? progress = null, Action<PtbStart>? started = null)
    {
        options.Validate();
        options = options.Resolved() with { DataDir = CorpusFolder(options.DataDir) };
        var fixedOptions = options;
        return Train(options, () => RunSession.Start(outDir, fixedOptions, Columns), control ?? new(), progress, started, false);
    }

    /// <summary>Continues the run in <paramref name="runDir"/> from its last checkpoint.</summary>
    public static Dictionary<string, object>? Resume(string runDir, RunControl? control = null,
        Action<PtbProgress>? progress = null, Action<PtbStart>? started = null)
    {
        var options = RunSession.ReadOptions<PtbOptions>(runDir);
        options.Validate();
        return Train(options, () => RunSession.Resume(runDir, Columns), control ?? new(), progress, started, true);
    }

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

    private static Dictionary<string, object>? Train(PtbOptions options, Func<RunSession> open, RunControl control,
        Action<PtbProgress>? progress, Action<PtbStart>? started, bool resuming)
    {
        control.Validate();
        var folder = CorpusFolder(options.DataDir);
        var corpus = PtbCorpus.Load(folder);
        CheckSizes(corpus, options);
        set_num_threads(options.Threads);
        manual_seed(options.RandomSeed);
        var cell = CellFactory.Create(options.CellSpec(options.Emsize));
        using var model = new LanguageModel(cell, corpus.Vocabulary.Count) { Mode = options.UnrollMode() };
        using var optimizer = new RecurrentOptimizer(model, cell, options.OptimizerSettings());
        using var trainData = PtbCorpus.Batchify(corpus.Train, options.Batch);
        using var validData = PtbCorpus.Batchify(corpus.Valid, options.EvalBatch);
        using var testData = PtbCorpus.Batchify(corpus.Test, options.EvalBatch);
        var windowList = PtbStep.Windows(trainData.shape[0], options.Bptt).ToArray();
        int windows = options.MaxWindows > 0 ? Math.Min(options.MaxWindows, windowList.Length) : windowList.Length;
        var fingerprint = Fingerprint(corpus);
        long parameters = model.parameters().Sum(p => p.numel());
        started?.Invoke(new PtbStart(corpus, folder, windows, parameters, resuming));

        using var session = open();
        int epoch = 1, window = 0;
        long updates = 0;
        var train = new TokenStats();
        var schedule = new PlateauHalving();
        double bestValidAccuracy = double.NaN, epochSeconds = 0;
        var state = model.InitialState(options.Batch);
        try
        {
            if (session.Checkpoint is { } resumed)
            {
                var saved = resumed.Meta["corpus"]?.GetValue<string>();
                if (saved != fingerprint)
                    throw new InvalidDataException($"--resume: the corpus in {folder} is not the one the run started with ({fingerprint}; the run saw {saved})");
                resumed.LoadModule("model", model);
                resumed.LoadOptimizers(optimizer);
                using (var global = resumed.GetTensor("rng.global")) set_rng_state(global);
                epoch = resumed.Meta["epoch"]!.GetValue<int>();
                window = resumed.Meta["window"]!.GetValue<int>();
                updates = resumed.Meta["updates"]!.GetValue<long>();
                train = new TokenStats(Double(resumed, "train_loss_sum"), resumed.Meta["train_correct"]!.GetValue<long>(),
                    resumed.Meta["train_count"]!.GetValue<long>());
                schedule = PlateauHalving.Restore(resumed.Meta["best_valid_loss"] is null ? null : Double(resumed, "best_valid_loss"),
                    resumed.Meta["best_epoch"]!.GetValue<int>(), resumed.Meta["halvings"]!.GetValue<int>());
                bestValidAccuracy = Double(resumed, "best_valid_accuracy");
                epochSeconds = Double(resumed, "epoch_seconds");
                SetLearningRateScale(optimizer, schedule.Scale);
                PtbStep.Dispose(state);
                state = LoadState(resumed);
            }

            void SaveCheckpoint(double seconds)
            {
                var checkpoint = new Checkpoint();
                checkpoint.Meta["corpus"] = fingerprint;
                checkpoint.Meta["epoch"] = epoch;
                checkpoint.Meta["window"] = window;
                checkpoint.Meta["updates"] = updates;
                checkpoint.Meta["train_loss_sum"] = Bits(train.LossSum);
                checkpoint.Meta["train_correct"] = train.Correct;
                checkpoint.Meta["train_count"] = train.Count;
                checkpoint.Meta["best_valid_loss"] = schedule.BestLoss is double best ? Bits(best) : (long?)null;
                checkpoint.Meta["best_valid_accuracy"] = Bits(bestValidAccuracy);
                checkpoint.Meta["best_epoch"] = schedule.BestEpoch;
                checkpoint.Meta["halvings"] = schedule.Halvings;
                checkpoint.Meta["lr"] = CurrentLearningRate(optimizer);
                checkpoint.Meta["epoch_seconds"] = Bits(seconds);
                checkpoint.PutModule("model", model);
                checkpoint.PutOptimizers(optimizer);
                using (var global = get_rng_state()) checkpoint.PutTensor("rng.global", global);
                SaveState(checkpoint, state);
                session.SaveCheckpoint(checkpoint);
            }

            var total = Stopwatch.StartNew();
            int thisSession = 0;
            while (epoch <= options.Epochs)
            {
                var epochWatch = Stopwatch.StartNew();
                var intervalWatch = Stopwatch.StartNew();
                var interval = new TokenStats();
                int intervalWindows = 0;
                while (window < windows)
                {
                    var (start, length) = windowList[window];
                    using (var scope = NewDisposeScope())
                    {
                        var (x, y) = PtbStep.Window(trainData, start, length);
                        var (stats, carried) = PtbStep.Train(model, optimizer, x, y, state);
                        PtbStep.Dispose(state);
                        state = carried.MoveToOuterDisposeScope();
                        train += stats;
                        interval += stats;
                    }
                    window++;
                    updates++;
                    intervalWindows++;
                    if (window % options.LogInterval == 0 || window == windows)
                    {
                        progress?.Invoke(new PtbWindowProgress(epoch, window, windows, interval, CurrentLearningRate(optimizer),
                            intervalWatch.Elapsed.TotalMilliseconds / intervalWindows));
                        interval = new TokenStats();
                        intervalWindows = 0;
                        intervalWatch.Restart();
                    }
                    if (updates % control.CheckpointEvery == 0 && window < windows)
                        SaveCheckpoint(epochSeconds + epochWatch.Elapsed.TotalSeconds);
                    bool finished = epoch == options.Epochs && window == windows;
                    if (++thisSession == control.StopAfter && !finished) return null;
                }

                var valid = PtbStep.Evaluate(model, validData, options.Bptt);
                double lr = CurrentLearningRate(optimizer);
                bool improved = schedule.Observe(epoch, valid.Loss);
                if (improved)
                {
                    bestValidAccuracy = valid.Accuracy;
                    session.Directory.SaveModel(BestModelFile, model);
                }
                else optimizer.ScaleLearningRates(0.5);
                double seconds = epochSeconds + epochWatch.Elapsed.TotalSeconds;
                session.Metrics.Append(epoch, train.Loss, train.Bpc, train.Accuracy, valid.Loss, valid.Bpc, valid.Accuracy, lr,
                    Math.Round(seconds, 3));
                progress?.Invoke(new PtbEpochProgress(epoch, options.Epochs, train, valid, lr, improved, seconds));

                epoch++;
                window = 0;
                train = new TokenStats();
                epochSeconds = 0;
                PtbStep.Dispose(state);
                state = model.InitialState(options.Batch);
                SaveCheckpoint(0);
            }

            session.Directory.SaveModel(FinalModelFile, model);
            model.load_py(session.Directory.File(BestModelFile));
            foreach (var factor in cell.OrthogonalFactors()) factor.Refresh();
            var test = PtbStep.Evaluate(model, testData, options.Bptt);
            var summary = new Dictionary<string, object>
            {
                ["task"] = "ptb",
                ["net_type"] = cell.NetType,
                ["epochs"] = options.Epochs,
                ["best_epoch"] = schedule.BestEpoch,
                ["valid_loss"] = Json(schedule.BestLoss ?? double.NaN),
                ["valid_bpc"] = Json((schedule.BestLoss ?? double.NaN) / Math.Log(2)),
                ["valid_accuracy"] = Json(bestValidAccuracy),
                ["test_loss"] = Json(test.Loss),
                ["test_bpc"] = Json(test.Bpc),
                ["test_accuracy"] = Json(test.Accuracy),
                ["train_unigram_entropy_bpc"] = corpus.TrainUnigramEntropyNats / Math.Log(2),
                ["vocabulary"] = corpus.Vocabulary.Count,
                ["windows_per_epoch"] = windows,
                ["halvings"] = schedule.Halvings,
                ["final_lr"] = CurrentLearningRate(optimizer),
                ["seconds"] = Math.Round(total.Elapsed.TotalSeconds, 3),
                ["parameters"] = parameters,
            };
            if (optimizer.Orthogonal is { } orthogonalOptimizer) summary["final_lr_orth"] = orthogonalOptimizer.ParamGroups.First().LearningRate;
            session.Directory.WriteJson("summary.json", summary);
            return summary;
        }
        finally
        {
            PtbStep.Dispose(state);
        }
    }

    /// <summary>The main optimizer's learning rate now (its first parameter group).</summary>
    public static double CurrentLearningRate(RecurrentOptimizer optimizer) => optimizer.Main.ParamGroups.First().LearningRate;

    /// <summary>Sets both optimizers' rates to (lr, lr_orth) · <paramref name="scale"/> (what a resumed schedule dictates).</summary>
    public static void SetLearningRateScale(RecurrentOptimizer optimizer, double scale)
    {
        foreach (var g in optimizer.Main.ParamGroups) g.LearningRate = optimizer.Settings.LearningRate * scale;
        if (optimizer.Orthogonal is { } orthogonal)
            foreach (var g in orthogonal.ParamGroups) g.LearningRate = optimizer.Settings.OrthogonalLearningRate * scale;
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

    // Doubles in the checkpoint meta are stored as their bits: exact, and NaN-safe.
    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private static double Double(Checkpoint checkpoint, string key) => BitConverter.Int64BitsToDouble(checkpoint.Meta[key]!.GetValue<long>());

    /// <summary>JSON has no NaN or infinity: such values (a diverged run) are written as strings.</summary>
    private static object Json(double value) => double.IsFinite(value) ? value : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The carried state's tensors; complex ones (EURNN) as their real view.</summary>
    private static void SaveState(Checkpoint checkpoint, RecurrentState state)
    {
        checkpoint.Meta["state_parts"] = state.Count;
        for (int i = 0; i < state.Count; i++)
        {
            bool complex = state[i].is_complex();
            checkpoint.Meta[$"state.{i}.complex"] = complex;
            using var part = complex ? view_as_real(state[i]) : state[i].detach();
            checkpoint.PutTensor($"state.{i}", part);
        }
    }

    private static RecurrentState LoadState(Checkpoint checkpoint)
    {
        int count = checkpoint.Meta["state_parts"]!.GetValue<int>();
        var parts = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            var part = checkpoint.GetTensor($"state.{i}");
            if (checkpoint.Meta[$"state.{i}.complex"]!.GetValue<bool>())
            {
                parts[i] = view_as_complex(part).clone();
                part.Dispose();
            }
            else parts[i] = part;
        }
        return new RecurrentState(parts);
    }
}
