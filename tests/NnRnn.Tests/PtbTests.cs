using NnRnn.Nonlinearities;
using System.Text.Json;
using NnRnn.Cells;
using NnRnn.Experiments.Data;
using NnRnn.Optim;
using NnRnn.Tests.Data;
using NnRnn.Experiments.Training;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Models;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests;

/// <summary>Character-level PTB: windows, carried state, the halving schedule, runs, resume and the CLI.</summary>
[Collection(nameof(GlobalGenerator))]   // seeds libtorch's global generator
public sealed class PtbTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    // ---- corpora -------------------------------------------------------------------------------

    private static readonly string[] Words =
        ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "to", "big", "red", "house", "and", "then", "slept"];

    /// <summary>
    /// Lines of space-separated characters, '_' between words (the ptb.char format), from a seeded
    /// generator; <paramref name="reversed"/> spells every word backwards.
    /// </summary>
    private static string SyntheticText(int lines, int seed, bool reversed = false)
    {
        var random = new Random(seed);
        var text = new System.Text.StringBuilder();
        for (int l = 0; l < lines; l++)
        {
            var words = Enumerable.Range(0, random.Next(3, 9)).Select(_ => Words[random.Next(Words.Length)])
                .Select(w => reversed ? new string(w.Reverse().ToArray()) : w);
            text.Append(string.Join(" _ ", words.Select(w => string.Join(' ', w.ToCharArray())))).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A corpus folder with train/valid/test.txt.</summary>
    private string Corpus(string name, string train, string valid, string test)
    {
        var dir = temp.File(name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "train.txt"), train);
        File.WriteAllText(Path.Combine(dir, "valid.txt"), valid);
        File.WriteAllText(Path.Combine(dir, "test.txt"), test);
        return dir;
    }

    private string SyntheticCorpus() => Corpus("synthetic", SyntheticText(120, 1), SyntheticText(30, 2), SyntheticText(30, 3));

    /// <summary>Validation and test text spell the words backwards: the better the model fits the training text, the worse validation gets.</summary>
    private string ReversedCorpus() =>
        Corpus("reversed", SyntheticText(120, 1), SyntheticText(30, 2, reversed: true), SyntheticText(30, 3, reversed: true));

    /// <summary>
    /// Real PTB text: train = the first 400 lines of ptb.char.valid.txt, valid = lines 3001–3100 of it,
    /// test = the first 100 lines of ptb.char.test.txt (lines with a character the training part lacks are left out).
    /// </summary>
    private string RealCorpus()
    {
        var valid = File.ReadAllLines(TestData.Resolve(TestData.PtbValid));
        var test = File.ReadAllLines(TestData.Resolve(TestData.PtbTest));
        var train = valid.Take(400).ToArray();
        var vocabulary = train.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        bool Known(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(vocabulary.Contains);
        static string Text(IEnumerable<string> lines) => string.Join("\n", lines) + "\n";
        return Corpus("real", Text(train), Text(valid.Skip(3000).Take(100).Where(Known)), Text(test.Take(100).Where(Known)));
    }

    private static PtbOptions Tiny(string dataDir, string net = "nnRNN") => new()
    {
        NetType = SeedNames.Parse<NetType>(net, nameof(net)), HiddenSize = 32, Emsize = 8, Bptt = 20, Batch = 8, EvalBatch = 4, Epochs = 3, LearningRate = 5e-3, OrthogonalLearningRate = 5e-4,
        RecurrentInit = net is "RNN" or "LSTM" ? Initializer.Xavier : Initializer.Cayley, DataDir = dataDir, LogInterval = 1000,
    };

    private static string[] MetricsWithoutSeconds(string dir) => File.ReadAllLines(Path.Combine(dir, "metrics.csv"))
        .Select(l => string.Join(",", l.Split(',')[..^1])).ToArray();

    // ---- windows and state ---------------------------------------------------------------------

    [Fact]
    public void Windows_cover_every_target_once_with_a_shorter_last_window()
    {
        Assert.Equal(new (long, long)[] { (0, 4), (4, 4), (8, 2) }, PtbStep.Windows(11, 4).ToArray());
        Assert.Equal(new (long, long)[] { (0, 4), (4, 4) }, PtbStep.Windows(9, 4).ToArray());
        Assert.Empty(PtbStep.Windows(1, 4));
        foreach (var rows in new long[] { 1, 2, 5, 9, 10, 11, 150, 151 })
            Assert.Equal(PtbStep.Windows(rows, 4).Count(), PtbStep.WindowCount(rows, 4));

        using var scope = NewDisposeScope();
        var data = arange(30, dtype: ScalarType.Int64).reshape(10, 3);
        var (x, y) = PtbStep.Window(data, 4, 3);
        Assert.Equal(new long[] { 3, 3 }, x.shape);
        Assert.True(y.eq(x + 3).all().item<bool>(), "the target is the next row");
    }

    [Theory]
    [InlineData("nnRNN")]
    [InlineData("LSTM")]
    public void Carried_state_changes_the_next_window_and_backward_stops_at_the_window_boundary(string net)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var cell = TestSupport.Cell(net, 6, 12);
        using var model = new LanguageModel(cell, 7);
        using var optimizer = new RecurrentOptimizer(model, cell, new OptimizerSettings { LearningRate = 1e-3, OrthogonalLearningRate = 1e-4 });
        var data = randint(0, 7, new long[] { 21, 3 }, dtype: ScalarType.Int64);
        var (x1, y1) = PtbStep.Window(data, 0, 10);
        var (x2, y2) = PtbStep.Window(data, 10, 10);

        // window 2 from the state window 1 ended in differs from window 2 from zeros
        var (_, afterFirst) = PtbStep.Evaluate(model, x1, y1, null);
        using (no_grad())
        {
            var carried = model.forward(x2, afterFirst).Logits;
            var fresh = model.forward(x2, null).Logits;
            Assert.False(carried.allclose(fresh, 1e-4, 1e-4), "the carried state must matter");
        }

        // the first window's initial state is a leaf: its gradient shows how far backward reaches
        var leaves = model.InitialState(3).Parts.Select(p => p.requires_grad_(true)).ToArray();
        var (stats, next) = PtbStep.Train(model, optimizer, x1, y1, new RecurrentState(leaves));
        Assert.Equal(30, stats.Count);
        Assert.All(leaves, l => Assert.True(l.grad is not null && l.grad.abs().sum().item<float>() > 0, "window 1 reaches its own initial state"));
        foreach (var l in leaves) l.grad!.zero_();
        Assert.All(next.Parts, p => Assert.False(p.requires_grad, "the carried state is detached"));
        Assert.Equal(leaves.Length, next.Count);
        PtbStep.Train(model, optimizer, x2, y2, next);
        Assert.All(leaves, l => Assert.Equal(0f, l.grad!.abs().sum().item<float>()));

        // without the detach the second window's backward would reach into the first window
        optimizer.ZeroGrad();
        var (_, attached) = model.forward(x1, new RecurrentState(leaves));
        var (logits, _) = model.forward(x2, attached);
        nn.functional.cross_entropy(logits.reshape(-1, 7), y2.reshape(-1)).backward();
        Assert.True(leaves[0].grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Plateau_halving_keeps_the_best_and_halves_otherwise()
    {
        var schedule = new PlateauHalving();
        Assert.True(schedule.Observe(1, 3.0));
        Assert.True(schedule.Observe(2, 2.5));
        Assert.False(schedule.Observe(3, 2.5));   // equal is no improvement
        Assert.False(schedule.Observe(4, 2.7));
        Assert.True(schedule.Observe(5, 2.4));
        Assert.Equal((2.4, 5, 2, 0.25), (schedule.BestLoss!.Value, schedule.BestEpoch, schedule.Halvings, schedule.Scale));
        var restored = PlateauHalving.Restore(2.4, 5, 2);
        Assert.False(restored.Observe(6, 2.4));
        Assert.Equal(0.125, restored.Scale);
    }

    [Fact]
    public void Learning_rates_survive_a_checkpoint_round_trip()
    {
        manual_seed(3);
        var settings = new OptimizerSettings { Optimizer = OptimizerKind.Adam, LearningRate = 2e-3, OrthogonalLearningRate = 2e-4, Betas = (0.0, 0.9) };
        var cell = TestSupport.Cell("nnRNN", 4, 8);
        using var model = new LanguageModel(cell, 5);
        using var optimizer = new RecurrentOptimizer(model, cell, settings);
        optimizer.ScaleLearningRates(0.5);
        optimizer.ScaleLearningRates(0.5);
        var checkpoint = new Checkpoint();
        checkpoint.PutOptimizers(optimizer);

        var cell2 = TestSupport.Cell("nnRNN", 4, 8);
        using var model2 = new LanguageModel(cell2, 5);
        using var restored = new RecurrentOptimizer(model2, cell2, settings);
        checkpoint.LoadOptimizers(restored);
        // TorchSharp 0.107's optimizer state dict carries the rates of every parameter group ...
        Assert.All(restored.Main.ParamGroups, g => Assert.Equal(5e-4, g.LearningRate));
        Assert.All(restored.Orthogonal!.ParamGroups, g => Assert.Equal(5e-5, g.LearningRate));
        // ... and a resumed run sets them again from the schedule's scale in the checkpoint meta, to the same values
        restored.SetLearningRateScale(0.25);
        Assert.All(restored.Main.ParamGroups, g => Assert.Equal(5e-4, g.LearningRate));
        Assert.All(restored.Orthogonal!.ParamGroups, g => Assert.Equal(5e-5, g.LearningRate));
        Assert.Equal(2, restored.Main.ParamGroups.Count());   // T has its own weight-decay group
    }

    // ---- runs ----------------------------------------------------------------------------------

    [FactRequiresFile(TestData.PtbValid)]
    public void Short_run_on_real_ptb_text_beats_the_unigram_entropy()
    {
        var options = Tiny(RealCorpus()) with { HiddenSize = 64, Emsize = 16, Bptt = 50, Batch = 32, EvalBatch = 10, Epochs = 2 };
        var dir = temp.File("run");
        var summary = (PtbSummary)Trainer.Run(options, dir)!;
        double unigram = summary.TrainUnigramEntropyBpc;
        var rows = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        Assert.Equal(string.Join(",", PtbEpochRow.Header), rows[0]);
        Assert.Equal(3, rows.Length);
        double validBpc = MetricsLog.ParseDouble(rows[^1].Split(',')[5]);
        Assert.True(validBpc < unigram - 0.4, $"valid bpc {validBpc} vs unigram entropy {unigram}");
        Assert.True(summary.TestBpc < unigram - 0.4, $"test bpc {summary.TestBpc} vs unigram entropy {unigram}");
        Assert.InRange(summary.TestAccuracy, 0.2, 1);
        Assert.Equal(summary.TestLoss / Math.Log(2), summary.TestBpc, 12);
        foreach (var f in new[] { "options.json", "metrics.csv", "summary.json", "best.pt", "model.pt", "checkpoint.bin" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));

        // best.pt is a PyTorch state dict of the whole model with the reference's names
        var state = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(Path.Combine(dir, "best.pt"));
        foreach (var name in new[] { "encoder.weight", "decoder.weight", "decoder.bias", "rnn.T" })
            Assert.True(state.Contains(name), name);
    }

    [Theory]
    [InlineData("nnRNN", 1, 7)]    // mid-epoch, between checkpoints: windows after the checkpoint are replayed
    [InlineData("nnRNN", 3, 5)]    // after two epochs without improvement: the halved rates must be restored
    [InlineData("LSTM", 2, 6)]     // two state tensors
    [InlineData("EURNN", 2, 9)]    // a complex state
    public void Resume_after_a_stop_gives_the_metrics_of_an_uninterrupted_run(string net, int stopEpoch, int stopWindow)
    {
        var options = Tiny(ReversedCorpus(), net) with { LearningRate = 0.02, HiddenSize = net == "EURNN" ? 16 : 32 };
        var straight = temp.File("straight");
        var whole = (PtbSummary)Trainer.Run(options, straight)!;
        Assert.True(whole.Halvings >= 2, "validation on reversed words should get worse after the first epoch");

        var split = temp.File("split");
        int stopAfter = (stopEpoch - 1) * whole.WindowsPerEpoch + stopWindow;
        Assert.Null(Trainer.Run(options, split, new RunControl(CheckpointEvery: 4, StopAfter: stopAfter)));
        Assert.False(File.Exists(Path.Combine(split, "summary.json")));
        var resumed = (PtbSummary)Trainer.Resume<PtbOptions>(split, new RunControl(CheckpointEvery: 4))!;

        Assert.Equal(MetricsWithoutSeconds(straight), MetricsWithoutSeconds(split));
        Assert.Equal(whole with { Seconds = 0 }, resumed with { Seconds = 0 });
        foreach (var file in new[] { "best.pt", "model.pt" })
        {
            var a = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(Path.Combine(straight, file));
            var b = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(Path.Combine(split, file));
            Assert.Equal(a.Count, b.Count);
            foreach (System.Collections.DictionaryEntry e in a)
                Assert.True(((Tensor)e.Value!).allclose((Tensor)b[e.Key]!, 0, 0), $"{file}: {e.Key}");
        }
    }

    [Fact]
    public void Learning_rates_halve_after_an_epoch_without_improvement()
    {
        var options = Tiny(ReversedCorpus()) with { LearningRate = 0.02, Epochs = 4 };
        var dir = temp.File("halving");
        var summary = (PtbSummary)Trainer.Run(options, dir)!;
        var rows = File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        double best = double.PositiveInfinity, lr = options.LearningRate;
        int halvings = 0;
        foreach (var row in rows)
        {
            Assert.Equal(lr, MetricsLog.ParseDouble(row[7]));
            double valid = MetricsLog.ParseDouble(row[4]);
            Assert.True(double.IsFinite(valid));
            if (valid < best) best = valid;
            else { lr /= 2; halvings++; }
        }
        Assert.True(halvings >= 2, "validation on reversed words should get worse after the first epoch");
        Assert.Equal(halvings, summary.Halvings);
        Assert.Equal(lr, summary.FinalLr);
        Assert.Equal(options.OrthogonalLearningRate * Math.Pow(0.5, halvings), summary.FinalLrOrth);
        Assert.Equal(best, summary.ValidLoss);
    }

    // ---- command line --------------------------------------------------------------------------

    [Fact]
    public void Cli_trains_stops_and_resumes()
    {
        var data = SyntheticCorpus();
        var dir = temp.File("cli");
        var (code, stdout, stderr) = TestSupport.RunCli("ptb", "--data-dir", data, "--save", dir, "--nhid", "16", "--emsize", "8",
            "--bptt", "20", "--batch", "8", "--eval-batch", "4", "--epochs", "2", "--log-interval", "2", "--optimizer", "rmsprop",
            "--betas", "0.9", "0.99", "--clip", "5", "--checkpoint-every", "3", "--stop-after", "5");
        Assert.True(code == 0, stderr);
        Assert.Contains("unigram entropy", stdout);
        Assert.Contains("stopped early; continue with: nnrnn ptb --resume", stdout);
        Assert.False(File.Exists(Path.Combine(dir, "summary.json")));

        (code, stdout, stderr) = TestSupport.RunCli("ptb", "--resume", dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("test_bpc", stdout);
        Assert.Contains("end of epoch   2/2", stdout);
        using var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "options.json")));
        Assert.Equal("RMSprop", options.RootElement.GetProperty("optimizer").GetString());
        Assert.Equal(Path.GetFullPath(data), options.RootElement.GetProperty("data-dir").GetString());
        Assert.Equal(20, options.RootElement.GetProperty("bptt").GetInt32());
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.InRange(summary.RootElement.GetProperty("test_accuracy").GetDouble(), 0, 1);

        (code, _, stderr) = TestSupport.RunCli("ptb", "--resume", dir, "--bptt", "30");
        Assert.Equal(2, code);
        Assert.Contains("--bptt cannot be combined with --resume", stderr);
    }

    [Theory]
    [InlineData("missing", "nnrnn data download ptb")]
    [InlineData("empty", "empty corpus")]
    [InlineData("unknown-token", "is not in the vocabulary")]
    [InlineData("too-short", "--eval-batch")]
    [InlineData("bad-option", "--bptt")]
    public void Bad_ptb_input_is_one_line_exit_2_and_no_run_directory(string problem, string mentioned)
    {
        var text = SyntheticText(20, 1);
        string data = problem switch
        {
            "missing" => Corpus("missing", text, text, text),
            "empty" => Corpus("empty", text, " \n\n", text),
            "unknown-token" => Corpus("unknown", text, text, text + "t h e _ z e b r a\n"),
            "too-short" => Corpus("short", text, text, "a\n"),
            _ => Corpus("fine", text, text, text),
        };
        if (problem == "missing") File.Delete(Path.Combine(data, "valid.txt"));
        var dir = temp.File("never");
        var (code, stdout, stderr) = TestSupport.RunCli("ptb", "--data-dir", data, "--out", dir, "--nhid", "8", "--emsize", "4",
            "--epochs", "1", "--bptt", problem == "bad-option" ? "0" : "10");
        Assert.Equal(2, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("nnrnn: error:", lines[0]);
        Assert.Contains(mentioned, lines[0]);
        if (problem == "missing") Assert.Contains("valid.txt", lines[0]);
        Assert.False(Directory.Exists(dir), "no run directory is created for bad input");
        Assert.DoesNotContain("unigram", stdout);
    }
}
