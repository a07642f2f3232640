using System.Text.Json;
using System.Text.Json.Nodes;
using NnRnn.Cells;
using NnRnn.Golden;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>
/// Trajectory files (fixture copied from shared/golden/ref_trajectory.json): K updates of the
/// original's copy-task loop from recorded parameters on recorded batches.
/// </summary>
public sealed class GoldenTrajectoryTests
{
    private static JsonObject Fixture() => JsonNode.Parse(File.ReadAllText(TestSupport.Fixture("ref_trajectory.json")))!.AsObject();

    /// <summary>The fixture reduced to one model's trajectory, changed by <paramref name="change"/>, checked.</summary>
    private static List<CaseResult> CheckOne(string net, Action<JsonObject> change)
        => GoldenFixtureChange.CheckOne("ref_trajectory.json", "trajectories", GoldenKind.Trajectories, net, change);

    [Fact]
    public void A_held_out_trajectory_file_with_another_seed_and_size_passes()
    {
        // ../shared/bench/ref_trajectory.py --updates 25 --T 60 --nhid 48 --seed 23 (the original code, run here)
        var results = GoldenChecker.CheckFile(TestSupport.Fixture("heldout_trajectory.json"));
        Assert.Equal(8, results.Count);
        var failures = results.Where(r => !r.Passed).Select(r => r.Line()).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.All(results, r => Assert.Contains(r.Quantities, q => q.Quantity == "loss(1..25)"));
    }

    [Theory]
    [InlineData("expRNN", 0)]
    [InlineData("LSTM", 29)]
    public void A_recorded_loss_changed_by_1e3_relative_fails_at_that_update(string net, int update)
    {
        var results = CheckOne(net, t =>
        {
            var losses = t["loss_per_update"]!.AsArray();
            losses[update] = losses[update]!.GetValue<double>() * (1 + 1e-3);
        });
        Assert.All(results, r => Assert.False(r.Passed));
        Assert.All(results, r => Assert.Contains(r.Quantities, q => q.Quantity == $"loss@{update + 1}" && !q.Passed));
    }

    [Theory]
    [InlineData("LSTM", "alpha", 0.9)]      // RMSprop's smoothing constant: a systematic difference
    [InlineData("expRNN", "lr", 1.01e-3)]   // a learning rate 1% off
    [InlineData("nnRNN", "lr_orth", 1.1e-6)]
    public void A_systematic_difference_fails_from_the_first_updates(string net, string hyperParameter, double value)
    {
        var results = CheckOne(net, t => t["hparams"]![hyperParameter] = value);
        Assert.All(results, r => Assert.False(r.Passed, r.Line()));
        var first = results.Select(r => r.Quantities.First(q => q.Quantity.StartsWith("loss@")).Quantity).ToList();
        Assert.All(first, q => Assert.True(int.Parse(q[5..]) <= 5, q));
    }

    [Fact]
    public void The_envelope_grows_with_the_update_index_and_covers_our_own_float32_runs()
    {
        using var json = JsonDocument.Parse(Fixture().ToJsonString());
        var t = json.RootElement.GetProperty("trajectories").EnumerateArray().First(x => x.GetProperty("net_type").GetString() == "expRNN");
        using var fused = GoldenChecker.RunTrajectory(t, UnrollMode.Fused, ScalarType.Float32);
        using var exact = GoldenChecker.RunTrajectory(t, UnrollMode.Fused, ScalarType.Float64);
        var tolerance = TrajectoryTolerance.Measure(t, new[] { fused });
        var envelope = tolerance.LossEnvelope;
        Assert.Equal(30, envelope.Length);
        Assert.All(envelope.Zip(envelope.Skip(1)), p => Assert.True(p.Second >= p.First));
        Assert.True(envelope[^1] > 10 * envelope[0], $"rounding grows along the trajectory: {envelope[0]:e2} → {envelope[^1]:e2}");
        for (int k = 0; k < 30; k++)
            Assert.True(Math.Abs(fused.Losses[k] - exact.Losses[k]) <= envelope[k], $"update {k + 1}");
        // The first update is one forward pass: float32 against float64 within the single-update rule.
        Assert.True(Math.Abs(fused.Losses[0] - exact.Losses[0]) <= TrajectoryTolerance.SingleUpdate.Bound(exact.Losses[0]));
    }

    [Fact]
    public void Cli_detects_a_trajectory_file_and_passes_on_the_shared_one()
    {
        var (code, stdout, stderr) = TestSupport.RunCli("golden", TestSupport.Fixture("ref_trajectory.json"));
        Assert.True(code == 0, stdout + stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines.SkipLast(1), l => Assert.StartsWith("PASS copytask_trajectory_", l));
        Assert.All(lines.SkipLast(1), l => Assert.Contains(" loss(1..30)=", l));
        Assert.All(lines.SkipLast(1), l => Assert.Contains(" after.lin.weight=", l));
        Assert.Equal("golden: 8 passed, 0 failed", lines[^1]); // RNN, expRNN, nnRNN, LSTM × fused, steps
    }
}
