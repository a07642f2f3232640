using NnRnn.Optim;
using NnRnn.Nonlinearities;
using NnRnn.Cells;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Models;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests;

/// <summary>The adding problem's data and a short training run.</summary>
public class AddingTests
{
    [Fact]
    public void Two_markers_one_per_half_and_the_target_is_their_sum()
    {
        using var scope = NewDisposeScope();
        var task = new AddingProblem(11);
        using var g = new Generator(5);
        var (x, y) = task.Batch(64, g);
        Assert.Equal(new long[] { 11, 64, 2 }, x.shape);
        Assert.Equal(new long[] { 64 }, y.shape);
        var markers = x[.., .., 1];
        Assert.True(markers.sum(0, false).eq(2).all().item<bool>());
        Assert.True(markers[..5].sum(0, false).eq(1).all().item<bool>(), "one marker in the first half");
        Assert.True((x[.., .., 0] * markers).sum(0, false).allclose(y));
        Assert.True(x[.., .., 0].ge(0).all().item<bool>() && x[.., .., 0].lt(1).all().item<bool>());
        Assert.Equal(2 / 12.0, task.Baseline, 12);
    }

    [Fact]
    public void Other_marker_counts_pick_distinct_positions()
    {
        using var scope = NewDisposeScope();
        var task = new AddingProblem(9, markers: 4);
        using var g = new Generator(6);
        var (x, _) = task.Batch(32, g);
        Assert.True(x[.., .., 1].sum(0, false).eq(4).all().item<bool>());
        Assert.Throws<ArgumentException>(() => new AddingProblem(5, markers: 6));
        Assert.Throws<ArgumentException>(() => new AddingProblem(1));
    }

    [Fact]
    public void Short_run_beats_the_constant_predictor()
    {
        var dir = TestSupport.TempDir();
        try
        {
            var options = new AddingOptions { SequenceLength = 10, HiddenSize = 32, Steps = 500, Batch = 50, LearningRate = 3e-3, OrthogonalLearningRate = 1e-3 };
            var summary = (AddingSummary)Trainer.Run(options, dir)!;
            double final = summary.FinalLoss, baseline = summary.BaselineMse;
            Assert.True(final < 0.5 * baseline, $"final MSE {final} vs baseline {baseline}");
            Assert.Equal("step,loss,ms", File.ReadLines(Path.Combine(dir, "metrics.csv")).First());
        }
        finally { Directory.Delete(dir, true); }
    }
}
