using NnRnn.Optim;
using NnRnn.Nonlinearities;
using System.Text.Json;
using NnRnn.Cells;
using NnRnn.Experiments.Tasks;
using NnRnn.Tests.Data;
using NnRnn.Experiments.Training;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// Sequential MNIST: data order, split, a learning run on real Fashion-MNIST, exact resume and
/// the command line. The fast tests use small IDX files (4×4 images) written here.
/// </summary>
[Collection(nameof(GlobalGenerator))]   // seeds libtorch's global generator
public class PsmnistTests
{
    private const int Side = 28;  // MNIST-family files must be 28×28 (784 steps)

    /// <summary>A data root whose mnist/ folder holds small IDX files: label i % 10, a bright pixel column per class.</summary>
    private static TempDir SmallData(int train = 60, int test = 20)
    {
        var root = new TempDir();
        var dir = Directory.CreateDirectory(Path.Combine(root.Path, "mnist")).FullName;
        int pixels = Side * Side;
        byte Pixel(int k)
        {
            int image = k / pixels, j = k % pixels;
            return j % 10 == image % 10 ? (byte)255 : (byte)(k * 37 % 60);
        }
        byte[] Labels(int count) => Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), IdxTestFiles.Images(train, Side, Side, Pixel));
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), IdxTestFiles.Labels(Labels(train)));
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), IdxTestFiles.Gzip(IdxTestFiles.Images(test, Side, Side, Pixel)));
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), IdxTestFiles.Labels(Labels(test)));
        return root;
    }

    private static PsmnistOptions Small(string dataRoot) => new()
    {
        Dataset = "mnist", DataDir = dataRoot, NetType = NetType.NnRnn, HiddenSize = 8, Batch = 8, Epochs = 3,
        LearningRate = 1e-2, OrthogonalLearningRate = 1e-3, Activation = Activation.Tanh, Permute = true, RandomSeed = 5,
    };

    private static Tensor Images(int count, int pixels) => arange(count * pixels, dtype: ScalarType.Float32).reshape(count, pixels) / (count * pixels);

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Tensor Labels(int count) => arange(count, dtype: ScalarType.Int64) % 10;

    [Fact]
    public void Permutation_is_fixed_whatever_the_random_seed_and_reorders_the_pixels()
    {
        manual_seed(1);
        using var a = SequentialMnist.FixedPermutation(784);
        manual_seed(2);
        using var b = SequentialMnist.FixedPermutation(784);
        Assert.True(Same(a, b));
        using var identity = arange(784, dtype: ScalarType.Int64);
        Assert.False(Same(a, identity));
        Assert.True(Same(a.sort().Values, identity), "a permutation of 0..783");

        using var scope = NewDisposeScope();
        using var data = new SequentialMnist(Images(30, 16), Labels(30), Images(5, 16), Labels(5), permute: true);
        using var plain = new SequentialMnist(Images(30, 16), Labels(30), Images(5, 16), Labels(5), permute: false);
        var rows = tensor(new long[] { 3, 17, 0 });
        var (x, y) = data.TrainingFileBatch(rows);
        var (px, py) = plain.TrainingFileBatch(rows);
        Assert.Equal(new long[] { 16, 3, 1 }, x.shape);
        Assert.True(Same(y, tensor(new long[] { 3, 7, 0 })));
        Assert.True(Same(py, y));
        var perm = SequentialMnist.FixedPermutation(16);
        Assert.True(Same(data.Permutation!, perm));
        Assert.Null(plain.Permutation);
        // step t of the permuted sequence is pixel perm[t] of the image
        Assert.True(Same(x, px.index_select(0, perm)));
        Assert.True(Same(px.squeeze(2).t(), Images(30, 16).index_select(0, rows)));
    }

    [Fact]
    public void Split_is_fixed_disjoint_and_sized_by_val_size_and_the_limits()
    {
        Assert.Equal(10_000, SequentialMnist.DefaultValidationSize(60_000));
        Assert.Equal(100, SequentialMnist.DefaultValidationSize(600));
        Assert.Equal(1, SequentialMnist.DefaultValidationSize(3));

        using var scope = NewDisposeScope();
        using var data = new SequentialMnist(Images(60, 4), Labels(60), Images(9, 4), Labels(9), permute: false);
        Assert.Equal((50, 10, 9), (data.TrainCount, data.ValidCount, data.TestCount));
        var all = cat(new[] { data.TrainIndices, data.ValidIndices }).sort().Values;
        Assert.True(Same(all, arange(60, dtype: ScalarType.Int64)), "train and validation partition the file");
        Assert.True(Same(data.ValidIndices, SequentialMnist.SplitOrder(60, 4)[50..]));

        // the same split with --permute and whatever the global seed; limits cut train and test only
        manual_seed(77);
        using var other = new SequentialMnist(Images(60, 4), Labels(60), Images(9, 4), Labels(9), permute: true,
            validationSize: null, limitTrain: 20, limitTest: 4);
        Assert.Equal((20, 10, 4), (other.TrainCount, other.ValidCount, other.TestCount));
        Assert.True(Same(other.ValidIndices, data.ValidIndices));
        Assert.True(Same(other.TrainIndices, data.TrainIndices[..20]));

        using var sized = new SequentialMnist(Images(60, 4), Labels(60), Images(9, 4), Labels(9), permute: false, validationSize: 7, limitTrain: 500);
        Assert.Equal((53, 7), (sized.TrainCount, sized.ValidCount));
        Assert.True(Same(sized.ValidIndices, SequentialMnist.SplitOrder(60, 4)[53..]));

        Assert.Equal(new long[] { 3, 3, 3, 1 }, data.Batches(SequentialMnistSplit.Validation, 3).Select(b => b.Target.shape[0]));

        var error = Assert.Throws<ArgumentException>(() => new SequentialMnist(Images(60, 4), Labels(60), Images(9, 4), Labels(9), false, validationSize: 60));
        Assert.Contains("--val-size", error.Message);
        Assert.Contains("--limit-train", Assert.Throws<ArgumentException>(
            () => new SequentialMnist(Images(60, 4), Labels(60), Images(9, 4), Labels(9), false, limitTrain: -1)).Message);
    }

    [Fact]
    public void Options_are_validated_before_anything_is_written()
    {
        using var root = SmallData();
        var dir = Path.Combine(root.Path, "run");
        Assert.Equal(nameof(PsmnistOptions.Dataset), Assert.Throws<ArgumentException>(() => Trainer.Run(Small(root.Path) with { Dataset = "ptb" }, dir)).ParamName);
        Assert.Equal(nameof(PsmnistOptions.Epochs), Assert.Throws<ArgumentException>(() => Trainer.Run(Small(root.Path) with { Epochs = 0 }, dir)).ParamName);
        Assert.Contains("--val-size", Assert.Throws<ArgumentException>(() => Trainer.Run(Small(root.Path) with { ValSize = 60 }, dir)).Message);
        var missing = Assert.Throws<NnRnn.Experiments.Data.DataMissingException>(() => Trainer.Run(Small(root.Path) with { DataDir = Path.Combine(root.Path, "none") }, dir));
        Assert.Contains("nnrnn data download mnist", missing.Message);
        Assert.False(Directory.Exists(dir));
    }

    private static string[] MetricsWithoutSeconds(string dir) => File.ReadAllLines(Path.Combine(dir, "metrics.csv"))
        .Select(l => string.Join(",", l.Split(',')[..5])).ToArray();

    private static Dictionary<string, string> SummaryWithoutSeconds(string dir)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        return json.RootElement.EnumerateObject().Where(p => p.Name != "seconds").ToDictionary(p => p.Name, p => p.Value.GetRawText());
    }

    [Theory]
    [InlineData(3, new[] { 5, 7 })]       // mid-epoch kills, not on a checkpoint: replays from update 3 and 6
    [InlineData(100, new[] { 2 })]        // killed before the first checkpoint: starts over in the same directory
    [InlineData(4, new[] { 7, 7 })]       // kills right after an epoch's last update, before its validation (7 updates per epoch)
    public void Resumed_run_ends_with_the_metrics_of_an_uninterrupted_one(int every, int[] stops)
    {
        using var root = SmallData();
        var options = Small(root.Path);
        var whole = Path.Combine(root.Path, "whole");
        var pieces = Path.Combine(root.Path, "pieces");
        var summary = (PsmnistSummary?)Trainer.Run(options, whole, new RunControl(every));
        Assert.NotNull(summary);

        Assert.Null(Trainer.Run(options, pieces, new RunControl(every, stops[0])));
        foreach (var stop in stops.Skip(1))
            Assert.Null(Trainer.Resume<PsmnistOptions>(pieces, new RunControl(every, stop)));
        var recorder = new Recorder();
        Assert.NotNull(Trainer.Resume<PsmnistOptions>(pieces, new RunControl(every), recorder));
        Assert.NotEmpty(recorder.Rows.OfType<PsmnistEpochRow>());
        Assert.True(recorder.Starts.Single().Resumed);
        Assert.NotNull(recorder.Ends.Single().Summary);

        Assert.Equal(MetricsWithoutSeconds(whole), MetricsWithoutSeconds(pieces));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(pieces, "metrics.csv")).Length);
        Assert.Equal(SummaryWithoutSeconds(whole), SummaryWithoutSeconds(pieces));
        foreach (var file in new[] { "best.pt", "model.pt" })
        {
            // compared by value: the zip inside a .pt file carries write times
            var expected = PyTorchUnpickler.UnpickleStateDict(Path.Combine(whole, file));
            var actual = PyTorchUnpickler.UnpickleStateDict(Path.Combine(pieces, file));
            Assert.Equal(expected.Keys.Cast<string>().Order(), actual.Keys.Cast<string>().Order());
            foreach (string name in expected.Keys)
                Assert.True(Same((Tensor)expected[name]!, (Tensor)actual[name]!), $"{file}: {name}");
        }
        Assert.Empty(Directory.GetFiles(pieces, "*.tmp"));
    }

    [Fact]
    public void Run_directory_has_the_best_model_the_saved_epochs_and_its_test_scores()
    {
        using var root = SmallData();
        var dir = Path.Combine(root.Path, "run");
        var options = Small(root.Path) with { SaveFreq = 2, Permute = false, NetType = NetType.Rnn, RecurrentInit = Initializer.Xavier, Epochs = 4 };
        var recorder = new Recorder();
        var summary = (PsmnistSummary)Trainer.Run(options, dir, null, recorder)!;
        var rows = recorder.Rows.Cast<PsmnistEpochRow>().ToList();
        int updates = recorder.Updates.Count;
        Assert.Equal(4 * 7, updates);   // 50 training images, batch 8
        Assert.Equal(new[] { 1, 2, 3, 4 }, rows.Select(r => r.Epoch));
        Assert.Equal("epoch,train_loss,train_accuracy,valid_loss,valid_accuracy,seconds", File.ReadLines(Path.Combine(dir, "metrics.csv")).First());
        foreach (var f in new[] { "options.json", "metrics.csv", "summary.json", "checkpoint.bin", "best.pt", "model.pt", "model_epoch2.pt", "model_epoch4.pt" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.False(File.Exists(Path.Combine(dir, "model_epoch3.pt")));

        var best = rows.OrderByDescending(r => r.ValidAccuracy).ThenBy(r => r.ValidLoss).First();
        Assert.Equal(best.Epoch, summary.BestEpoch);
        Assert.Equal(best.ValidAccuracy, summary.BestValidAccuracy);
        Assert.Equal((50, 10, 20, Side * Side), (summary.TrainImages, summary.ValidImages, summary.TestImages, summary.SeqLen));

        using var opts = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "options.json")));
        Assert.Equal(Path.GetFullPath(root.Path), opts.RootElement.GetProperty("data-dir").GetString());
        Assert.Equal(2, opts.RootElement.GetProperty("save-freq").GetInt32());

        // best.pt is a PyTorch state dict of the best model: it reproduces the test scores
        manual_seed(123);
        using var model = new SequenceClassifier(CellFactory.Create(options.CellSpec(1)), 10);
        model.load_py(Path.Combine(dir, "best.pt"));
        using var data = SequentialMnist.Load(new NnRnn.Experiments.Data.DataDirectory(root.Path).ResolveIdx("mnist"), permute: false);
        var (loss, accuracy) = PsmnistTraining.Evaluate(model, data, SequentialMnistSplit.Test, 8);
        Assert.Equal(summary.TestLoss, loss);
        Assert.Equal(summary.TestAccuracy, accuracy);
    }

    [Fact]
    public void Classifier_reads_out_the_last_step_and_copies_exactly()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var a = new SequenceClassifier(TestSupport.Cell("nnRNN", 1, 6), 10);
        using var b = new SequenceClassifier(TestSupport.Cell("nnRNN", 1, 6), 10);
        var x = rand(12, 4, 1);
        var logits = a.forward(x);
        Assert.Equal(new long[] { 4, 10 }, logits.shape);
        var (features, _) = SequenceRunner.Run(a.Cell, x);
        Assert.True(logits.allclose(a.Readout.forward(features[-1])));
        Assert.Equal(new[] { "rnn", "lin" }, a.named_children().Select(c => c.name));
        Assert.False(Same(b.forward(x), logits));
        b.CopyFrom(a);
        Assert.True(Same(b.forward(x), logits));
    }

    private static PsmnistOptions Learning(bool permute) => new()
    {
        Dataset = "fashion-mnist", DataDir = "/usr/share/datasets/fashion-mnist", NetType = NetType.NnRnn, HiddenSize = 64, Activation = Activation.Tanh,
        LearningRate = 1e-3, OrthogonalLearningRate = 1e-4, Batch = 20, Epochs = 2, LimitTrain = 1000, ValSize = 200, LimitTest = 500,
        Permute = permute, RandomSeed = 400,
    };

    [FactRequiresFile(TestData.FashionTrainImages)]
    public void Learns_permuted_fashion_mnist_well_above_chance()
    {
        using var root = new TempDir();
        var summary = (PsmnistSummary)Trainer.Run(Learning(permute: true), Path.Combine(root.Path, "run"))!;
        Assert.Equal(784, summary.SeqLen);
        double accuracy = summary.TestAccuracy;
        Assert.True(accuracy >= 0.30, $"test accuracy {accuracy} (chance 0.1)");
    }

    [FactRequiresFile(TestData.FashionTrainImages)]
    public void Learns_an_mnist_format_dataset_given_by_data_dir_above_chance()
    {
        // Any MNIST-format dataset, pointed at with --data-dir (the files straight in the folder),
        // unpermuted, through the command line.
        using var root = new TempDir();
        foreach (var file in Directory.GetFiles(TestData.FashionDir, "*-ubyte.gz"))
            File.Copy(file, Path.Combine(root.Path, Path.GetFileName(file)));
        var run = Path.Combine(root.Path, "run");
        var (code, stdout, stderr) = TestSupport.RunCli("psmnist", "--dataset", "mnist", "--data-dir", root.Path, "--out", run,
            "--nhid", "64", "--nonlin", "tanh", "--lr", "1e-3", "--lr_orth", "1e-4", "--batch", "20", "--epochs", "2",
            "--limit-train", "1000", "--val-size", "200", "--limit-test", "500", "--random-seed", "400");
        Assert.True(code == 0, stdout + stderr);
        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
        double accuracy = summary.RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.True(accuracy >= 0.25, $"test accuracy {accuracy} (chance 0.1)");
    }

    [Theory]
    [InlineData("--dataset", "ptb", "--dataset")]
    [InlineData("--limit-train", "-5", "--limit-train")]
    [InlineData("--limit-test", "0", "--limit-test")]
    [InlineData("--val-size", "60", "--val-size")]
    [InlineData("--epochs", "0", "--epochs")]
    [InlineData("--data-dir", "MISSING", "nnrnn data download mnist")]
    public void Bad_psmnist_input_is_one_line_exit_2_and_no_run_directory(string option, string value, string mentioned)
    {
        using var root = SmallData();
        var dir = Path.Combine(root.Path, "run");
        var args = new List<string> { "psmnist", "--out", dir, "--epochs", "1", "--nhid", "8", option,
            value == "MISSING" ? Path.Combine(root.Path, "empty") : value };
        if (option != "--data-dir") args.AddRange(new[] { "--data-dir", root.Path });
        var (code, stdout, stderr) = TestSupport.RunCli(args.ToArray());
        Assert.Equal(2, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("nnrnn: error:", lines[0]);
        Assert.Contains(mentioned, lines[0]);
        Assert.False(Directory.Exists(dir), "no run directory is created for bad input");
        Assert.DoesNotContain("images:", stdout);
    }

    [Fact]
    public void Cli_stops_and_resumes_a_run()
    {
        using var root = SmallData();
        var dir = Path.Combine(root.Path, "run");
        var (code, stdout, stderr) = TestSupport.RunCli("psmnist", "--data-dir", root.Path, "--out", dir, "--epochs", "2",
            "--nhid", "8", "--batch", "8", "--permute", "--checkpoint-every", "3", "--stop-after", "10");
        Assert.True(code == 0, stderr);
        Assert.Contains("images: train 50, validation 10, test 20", stdout);
        Assert.Contains("nnrnn psmnist --resume", stdout);
        Assert.False(File.Exists(Path.Combine(dir, "summary.json")));

        var refused = TestSupport.RunCli("psmnist", "--resume", dir, "--epochs", "3");
        Assert.Equal(2, refused.Code);
        Assert.Contains("--epochs", refused.Err);

        (code, stdout, stderr) = TestSupport.RunCli("psmnist", "--resume", dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("test_accuracy", stdout);
        Assert.Contains("epoch   2/2", stdout);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length);
        using var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "options.json")));
        Assert.True(options.RootElement.GetProperty("permute").GetBoolean());
        Assert.Equal(8, options.RootElement.GetProperty("nhid").GetInt32());
    }

    [Theory]
    [InlineData("bad-magic", "magic")]
    [InlineData("truncated", "truncated")]
    [InlineData("label-range", "label")]
    public void Malformed_idx_files_are_one_line_errors_with_exit_2(string damage, string mentioned)
    {
        using var root = SmallData();
        var folder = Path.Combine(root.Path, "mnist");
        switch (damage)
        {
            case "bad-magic":
                var bytes = File.ReadAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"));
                bytes[3] = 0x99;
                File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), bytes);
                break;
            case "truncated":
                var full = File.ReadAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"));
                File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), full[..(full.Length / 2)]);
                break;
            case "label-range":
                File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), IdxTestFiles.Labels(Enumerable.Repeat((byte)12, 60).ToArray()));
                break;
        }
        var run = Path.Combine(root.Path, "run");
        var (code, _, stderr) = TestSupport.RunCli("psmnist", "--data-dir", root.Path, "--out", run, "--nhid", "8", "--epochs", "1");
        Assert.Equal(2, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("train-", lines[0]);
        Assert.Contains(mentioned, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Every_cell_trains_on_sequential_mnist()
    {
        using var root = SmallData();
        foreach (var net in new[] { "RNN", "RNN-orth", "expRNN", "LSTM", "EURNN" })
        {
            var dir = Path.Combine(root.Path, "run-" + net);
            var summary = (PsmnistSummary)Trainer.Run(Small(root.Path) with { NetType = SeedNames.Parse<NetType>(net, nameof(net)), Epochs = 1, RecurrentInit = net is "RNN" or "LSTM" ? Initializer.Xavier : Initializer.Cayley }, dir)!;
            Assert.True(double.IsFinite(summary.TestLoss), net);
        }
    }
}
