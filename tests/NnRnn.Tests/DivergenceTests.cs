using System.Text.Json.Nodes;
using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Nonlinearities;
using NnRnn.Tests.Data;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>Divergence (issue 7 item 2): a non-finite loss or gradient stops the run; an exploded validation loss is never best.</summary>
public sealed class DivergenceTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_nan_loss_stops_the_run_with_exit_3_one_line_and_a_diverged_summary_keeping_the_finite_checkpoint()
    {
        var dir = temp.File("run");
        var (code, _, err) = TestSupport.RunCli("copytask", "--net-type", "RNN", "--nonlin", "relu", "--rinit", "xavier", "--lr", "10",
            "--nhid", "16", "--T", "10", "--steps", "50", "--checkpoint-every", "1", "--out", dir);
        Assert.Equal(3, code);
        var line = Assert.Single(err.Trim().Split('\n'));
        Assert.Matches(@"diverged at update \d+ \(epoch 1\): (loss|gradient norm) is (NaN|-?Infinity)", line);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!.AsObject();
        Assert.Equal("diverged", summary["status"]!.GetValue<string>());
        long update = summary["diverged"]!["update"]!.GetValue<long>();
        Assert.True(update >= 2);
        // the diverged update has no row, the checkpoint is the update before it, with finite parameters
        Assert.Equal(update - 1, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length - 1);
        var checkpoint = Checkpoint.Load(Path.Combine(dir, CheckpointFiles.Newest));
        Assert.Equal(update - 1, checkpoint.Meta["step"]!.GetValue<long>());
        using var model = new PerStepReadoutModel(new VanillaRnnCell(1, 16, Activation.Relu), 9);
        checkpoint.LoadModule("model", model);
        Assert.All(model.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
        Assert.False(File.Exists(Path.Combine(dir, "model.pt")));
    }

    [Fact]
    public void A_finite_run_says_finished()
    {
        var dir = temp.File("run");
        var summary = Trainer.Run(new CopyTaskOptions { HiddenSize = 8, Delay = 3, CopyLength = 2, Steps = 3, Batch = 2 }, dir)!;
        Assert.Equal(RunStatus.Finished, summary.Status);
        Assert.Equal("finished", JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["status"]!.GetValue<string>());
    }

    [Fact]
    public void The_gradient_norm_is_measured_and_an_infinite_one_is_seen()
    {
        using var cell = new VanillaRnnCell(1, 4, Activation.Tanh);
        using var model = new PerStepReadoutModel(cell, 3);
        using var optimizer = new NnRnn.Optim.RecurrentOptimizer(model, cell, new NnRnn.Optim.OptimizerSettings());
        using var x = ones(5, 2, 1);
        optimizer.ZeroGrad();
        model.forward(x).sum().backward();
        optimizer.PrepareGradients();
        double expected = Math.Sqrt(model.parameters().Sum(p => p.grad!.pow(2).sum().item<float>()));
        Assert.Equal(expected, optimizer.GradientNorm, expected * 1e-5);
        // finite gradients whose float32 norm overflows (an exploding RNN) are not a divergence
        using (no_grad()) foreach (var p in model.parameters()) p.grad!.fill_(1e30f);
        optimizer.PrepareGradients();
        long count = model.parameters().Sum(p => p.grad!.numel());
        Assert.Equal(1e30 * Math.Sqrt(count), optimizer.GradientNorm, 1e30 * Math.Sqrt(count) * 1e-6);
        using (no_grad()) model.parameters().First().grad![0] = float.PositiveInfinity;
        optimizer.PrepareGradients();
        Assert.False(double.IsFinite(optimizer.GradientNorm));
    }

    [Theory]
    [InlineData(3.9, 50, true)]
    [InlineData(3.5e29, 50, false)]      // issue 7 item 15: nnRNN + modReLU on PTB
    [InlineData(double.NaN, 10, false)]
    [InlineData(double.PositiveInfinity, 10, false)]
    [InlineData(200.0, 10, true)]        // bad, but below 100·ln 10
    [InlineData(231.0, 10, false)]
    public void Only_a_finite_validation_loss_below_the_exploding_bound_is_usable(double loss, long classes, bool usable)
        => Assert.Equal(usable, Divergence.UsableValidationLoss(loss, classes));

    [Fact]
    public void An_exploded_validation_loss_is_never_the_best_even_first()
    {
        var schedule = new PlateauHalving();
        Assert.False(schedule.Observe(1, 3.5e29, usable: false));
        Assert.Null(schedule.BestLoss);
        Assert.Equal(1, schedule.Halvings);
        Assert.True(schedule.Observe(2, 4.0));
        Assert.False(schedule.Observe(3, 1e-3, usable: false));
        Assert.Equal((4.0, 2), (schedule.BestLoss!.Value, schedule.BestEpoch));
    }
}
