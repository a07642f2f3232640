using NnRnn.Optim;
using NnRnn.Nonlinearities;
using NnRnn.Cells;
using System.Text.Json;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests;

/// <summary>The copy task's data and a full training run with its run directory.</summary>
[Collection(nameof(GlobalGenerator))]   // seeds libtorch's global generator
public class CopyTaskTests
{
    [Fact]
    public void Batch_has_the_symbols_the_cue_and_the_targets_in_place()
    {
        using var scope = NewDisposeScope();
        var task = new CopyTask(6, labels: 8, copyLength: 3);
        using var g = new Generator(1);
        var (x, y) = task.Batch(5, g);
        Assert.Equal(new long[] { 12, 5, 1 }, x.shape);
        Assert.Equal(new long[] { 12, 5 }, y.shape);
        var v = x.squeeze(2).to_type(ScalarType.Int64);
        for (int b = 0; b < 5; b++)
        {
            for (int t = 0; t < 3; t++)
            {
                long s = v[t, b].item<long>();
                Assert.InRange(s, 1, 8);
                Assert.Equal(s, y[6 + 3 + t, b].item<long>());   // due after T + c steps
            }
            for (int t = 3; t < 12; t++)
                Assert.Equal(t == 3 + 6 - 1 ? 9 : 0, v[t, b].item<long>());
            for (int t = 0; t < 9; t++) Assert.Equal(0, y[t, b].item<long>());
        }
        Assert.Equal(3 * Math.Log(8) / 12, task.MemorylessBaseline, 12);
    }

    [Fact]
    public void Symbols_are_uniform_over_the_eight_labels_as_the_reference_draws_them()
    {
        // copytask.py: ind = np.random.randint(8, size=c), symbol = items[ind] with items = 1..8: each of
        // the 8 symbols with probability 1/8, independently (the layout is the test above)
        using var scope = NewDisposeScope();
        var task = new CopyTask(5, labels: 8, copyLength: 10);
        using var g = new Generator(3);
        var (x, _) = task.Batch(2000, g);
        var symbols = x.squeeze(2)[..10].to_type(ScalarType.Int64).flatten();
        var counts = symbols.bincount(null, 10).data<long>().ToArray();
        Assert.Equal(0, counts[0]);
        Assert.Equal(0, counts[9]);
        double n = 20_000, p = 1.0 / 8, sigma = Math.Sqrt(n * p * (1 - p));
        for (int s = 1; s <= 8; s++) Assert.InRange(counts[s], n * p - 5 * sigma, n * p + 5 * sigma);
        // neighbouring symbols independent: P(equal) = 1/8
        var same = symbols.reshape(10, 2000)[1..].eq(symbols.reshape(10, 2000)[..^1]).sum().item<long>();
        double m = 9 * 2000, sd = Math.Sqrt(m * p * (1 - p));
        Assert.InRange(same, m * p - 5 * sd, m * p + 5 * sd);
    }

    [Fact]
    public void Onehot_and_variable_delay()
    {
        using var scope = NewDisposeScope();
        var task = new CopyTask(8, labels: 4, copyLength: 2, oneHot: true, variable: true);
        using var g = new Generator(3);
        var (x, y) = task.Batch(50, g);
        Assert.Equal(new long[] { 12, 50, 6 }, x.shape);
        Assert.True(x.sum(2).eq(1).all().item<bool>());
        var value = x.argmax(2);
        var cue = value.eq(5).to_type(ScalarType.Int64).argmax(0);   // cue position per sequence
        Assert.True(cue.ge(2).all().item<bool>() && cue.le(2 + 8 - 1).all().item<bool>());
        Assert.True(cue.unique().Item1.shape[0] > 1, "delays vary across the batch");
        for (int b = 0; b < 50; b++)
        {
            long c = cue[b].item<long>();
            Assert.Equal(value[0, b].item<long>(), y[c + 1, b].item<long>());
            Assert.Equal(value[1, b].item<long>(), y[c + 2, b].item<long>());
            Assert.Equal(2, y[.., b].gt(0).sum().item<long>());
        }
        // a perfect predictor has zero accuracy loss
        var logits = nn.functional.one_hot(y, task.Classes).to_type(ScalarType.Float32) * 50;
        Assert.Equal(1.0, task.Accuracy(logits, y));
        Assert.True(task.Loss(logits, y).item<float>() < 1e-6);
    }

    private static CopyTaskOptions Small(string net = "nnRNN") => new()
    {
        NetType = SeedNames.Parse<NetType>(net, nameof(net)), HiddenSize = 32, Delay = 10, CopyLength = 5, Steps = 300, LearningRate = 2e-3,
        OrthogonalLearningRate = 1e-4, RecurrentInit = net == "RNN" ? Initializer.Xavier : Initializer.Cayley, RandomSeed = 400,
    };

    [Fact]
    public void Short_run_ends_clearly_below_the_memoryless_baseline()
    {
        var dir = TestSupport.TempDir();
        try
        {
            var summary = (CopyTaskSummary)Trainer.Run(Small(), dir)!;
            double final = summary.FinalLoss, baseline = summary.MemorylessBaseline;
            Assert.True(final < 0.8 * baseline, $"final loss {final} vs baseline {baseline}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Same_seed_gives_identical_metrics_and_the_run_directory_is_complete()
    {
        var a = TestSupport.TempDir();
        var b = TestSupport.TempDir();
        try
        {
            var options = Small() with { Steps = 40 };
            Trainer.Run(options, a);
            Trainer.Run(options, b);
            static string[] Metrics(string dir) => File.ReadAllLines(Path.Combine(dir, "metrics.csv"))
                .Select(l => string.Join(",", l.Split(',').Take(3))).ToArray();   // drop the timing column
            Assert.Equal(Metrics(a), Metrics(b));
            Assert.Equal("step,loss,accuracy,ms", File.ReadLines(Path.Combine(a, "metrics.csv")).First());
            Assert.Equal(41, File.ReadAllLines(Path.Combine(a, "metrics.csv")).Length);

            using var opts = JsonDocument.Parse(File.ReadAllText(Path.Combine(a, "options.json")));
            Assert.Equal(32, opts.RootElement.GetProperty("nhid").GetInt32());
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(a, "summary.json")));
            Assert.True(summary.RootElement.GetProperty("final_loss").GetDouble() > 0);
            Assert.InRange(summary.RootElement.GetProperty("final_accuracy").GetDouble(), 0, 1);

            // the checkpoint is a PyTorch state dict that loads back into the same model
            manual_seed(99);
            var task = options.CopyTask();
            var cell = NnRnn.Cells.CellFactory.Create(options.CellSpec(task.InputSize));
            using var model = new PerStepReadoutModel(cell, task.Classes);
            model.load_py(Path.Combine(a, "model.pt"));
            var state = PyTorchUnpickler.UnpickleStateDict(Path.Combine(b, "model.pt"));
            foreach (var (name, p) in model.named_parameters())
                Assert.True(p.detach().allclose((Tensor)state[name]!, 0, 0), name);
            Assert.Empty(Directory.GetFiles(a, "*.tmp"));
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
        }
    }
}
