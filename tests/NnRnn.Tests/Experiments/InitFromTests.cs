using NnRnn.Randomness;
using System.Collections;
using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests.Experiments;

/// <summary>--init-from: a run's model.pt starts another run; mismatches are one clear line.</summary>
public sealed class InitFromTests : IDisposable
{
    private readonly Data.TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private static CopyTaskOptions Tiny(NetType net) => new() { NetType = net, HiddenSize = 6, Delay = 3, CopyLength = 2, Steps = 12, Batch = 3, RandomSeed = 5 };

    private sealed class FirstLoss : ITrainingObserver
    {
        public double? Loss;
        public void Updated(UpdateProgress update) => Loss ??= update.Result.Loss;
    }

    [Theory]
    [InlineData(NetType.NnRnn)]
    [InlineData(NetType.ExpRnn)]
    [InlineData(NetType.Lstm)]
    public void A_run_started_from_another_s_model_pt_begins_where_that_run_ended(NetType net)
    {
        var a = temp.File("a");
        Trainer.Run(Tiny(net), a);
        var weights = Path.Combine(a, "model.pt");

        // B's first update: its loss is A's final model's loss on B's first batch
        var b = temp.File("b");
        var first = new FirstLoss();
        var options = Tiny(net) with { Steps = 1, RandomSeed = 9, InitFrom = weights };
        Trainer.Run(options, b, null, first);

        // the same loss computed independently: TorchSharp's own loader on a freshly built model
        var task = options.CopyTask();
        // copytask.py's batches come from numpy's stream after the model's own numpy draws
        var numpy = new NumpyRandomState((uint)options.RandomSeed);
        var spec = options.CellSpec(task.InputSize);
        var cell = CellFactory.Create(spec.Numpy is null ? spec : spec with { Numpy = numpy });
        using var model = new PerStepReadoutModel(cell, ((ISyntheticTask)task).Outputs);
        model.load_py(weights);
        foreach (var f in cell.OrthogonalFactors()) f.Refresh();
        var (x, y) = task.Batch(options.Batch, numpy);
        double want;
        using (no_grad()) want = model.WithPenalty(task.Loss(model.forward(x), y)).item<float>();
        Assert.Equal(want, first.Loss);

        // and the fresh initialisation would have given another loss
        var fresh = new FirstLoss();
        Trainer.Run(options with { InitFrom = null }, temp.File("c"), null, fresh);
        Assert.NotEqual(want, fresh.Loss);
    }

    [Fact]
    public void The_loaded_parameters_equal_the_file_s_bit_for_bit()
    {
        var a = temp.File("a");
        Trainer.Run(Tiny(NetType.NnRnn), a);
        var weights = Path.Combine(a, "model.pt");
        using var task = (Tiny(NetType.NnRnn) with { RandomSeed = 77 }).CreateTask();
        using var generators = new RunGenerators();
        generators.Seed(77);
        task.Build(generators);
        InitialWeights.Load(task.Model, task.Optimizer, weights);
        var file = PyTorchUnpickler.UnpickleStateDict(weights);
        var own = task.Model.state_dict();
        Assert.Equal(file.Count, own.Count);
        foreach (DictionaryEntry e in file) Assert.True(((Tensor)e.Value!).shape.SequenceEqual(own[(string)e.Key].shape) && ((Tensor)e.Value!).eq(own[(string)e.Key]).all().item<bool>(), (string)e.Key);
    }

    [Fact]
    public void Mismatched_names_or_shapes_and_non_state_dicts_are_one_line_with_exit_code_2()
    {
        var rnn = temp.File("rnn");
        Trainer.Run(Tiny(NetType.Rnn), rnn);
        var weights = Path.Combine(rnn, "model.pt");
        string[] tiny = ["--T", "3", "--c-length", "2", "--steps", "1", "--batch", "2", "--init-from"];

        var names = TestSupport.RunCli(["copytask", "--net-type", "nnRNN", "--nhid", "6", .. tiny, weights, "--out", temp.File("x")]);
        Assert.Equal(2, names.Code);
        Assert.Single(names.Err.Trim().Split('\n'));
        Assert.Contains("--init-from: ", names.Err);
        Assert.Contains("missing (", names.Err);
        Assert.Contains("rnn.P.log", names.Err);
        Assert.Contains("unexpected (", names.Err);
        Assert.Contains("rnn.V.weight", names.Err);
        Assert.False(Directory.Exists(temp.File("x")));   // nothing written

        var shapes = TestSupport.RunCli(["copytask", "--net-type", "RNN", "--nhid", "8", .. tiny, weights]);
        Assert.Equal(2, shapes.Code);
        Assert.Contains("has shape [6, 1], the model needs [8, 1]", shapes.Err);

        var junk = temp.File("junk.pt");
        File.WriteAllText(junk, "not a pickle");
        var bad = TestSupport.RunCli(["copytask", .. tiny, junk]);
        Assert.Equal(2, bad.Code);
        Assert.Contains("is not a PyTorch state dict", bad.Err);

        var missing = TestSupport.RunCli(["copytask", .. tiny, temp.File("none.pt")]);
        Assert.Equal(2, missing.Code);
        Assert.Contains("--init-from: ", missing.Err);
        Assert.Contains("does not exist", missing.Err);
    }
}
