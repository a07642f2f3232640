using System.Text.Json;
using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Experiments.Tasks;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>
/// Trajectory cases: K consecutive copy-task updates from the recorded parameters on the recorded
/// batches with the recorded hyper-parameters, through the training loop's own update
/// (<see cref="SyntheticTaskStep"/>); the loss of every update and the parameters after the last are
/// compared with bounds that grow with the update index (<see cref="TrajectoryTolerance"/>).
/// </summary>
public sealed partial class GoldenChecker
{
    /// <summary>What a trajectory run produced: the loss and accuracy of each update and the final parameters by reference name.</summary>
    public sealed record TrajectoryRun(string Name, double[] Losses, double[] Accuracies, Dictionary<string, Tensor> ParamsAfter) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in ParamsAfter.Values) t.Dispose();
        }
    }

    /// <summary>Both unroll paths of one trajectory, checked against one measured envelope.</summary>
    private IEnumerable<CaseResult> CheckTrajectory(JsonElement t)
    {
        var runs = new List<(UnrollMode Mode, TrajectoryRun? Run, string? Error)>();
        foreach (var mode in new[] { UnrollMode.Fused, UnrollMode.StepByStep })
        {
            try { runs.Add((mode, RunTrajectory(t, mode, ScalarType.Float32), null)); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { runs.Add((mode, null, ex.Message.Split('\n')[0])); }
        }
        TrajectoryTolerance? tolerance = null;
        string? envelopeError = null;
        try { tolerance = TrajectoryTolerance.Measure(t, runs.Where(r => r.Run is not null).Select(r => r.Run!)); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { envelopeError = ex.Message.Split('\n')[0]; }
        foreach (var (mode, run, error) in runs)
        {
            var name = $"{Name(t)}[{ModeName(mode)}]";
            yield return Guard(name, r =>
            {
                if (error is not null || envelopeError is not null) throw new InvalidOperationException(error ?? envelopeError);
                CompareTrajectory(t, run!, tolerance!, r);
            });
            run?.Dispose();
        }
    }

    private static void CompareTrajectory(JsonElement t, TrajectoryRun run, TrajectoryTolerance tolerance, CaseResult r)
    {
        var want = t.GetProperty("loss_per_update").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        int k = want.Length;
        double worst = 0, worstShare = 0;
        int? firstFail = null;
        for (int i = 0; i < k; i++)
        {
            double err = Math.Abs(run.Losses[i] - want[i]);
            double bound = tolerance.LossBound(i + 1, want[i]);
            // A non-finite loss or envelope (a run that diverged) can never pass.
            if (!double.IsFinite(err) || !double.IsFinite(bound)) err = double.PositiveInfinity;
            worst = Math.Max(worst, err);
            worstShare = Math.Max(worstShare, err / bound);
            if (!(err <= bound)) firstFail ??= i + 1;
        }
        r.Add($"loss(1..{k})", (worst, firstFail is null));
        r.Add("loss/bound", (worstShare, worstShare <= 1)); // how much of the rounding bound the worst update uses
        if (firstFail is int f)
            r.Add($"loss@{f}", (Math.Abs(run.Losses[f - 1] - want[f - 1]), false));
        if (t.TryGetProperty("accuracy_per_update", out var acc) && acc.ValueKind == JsonValueKind.Array && acc.GetArrayLength() == k)
        {
            var sizes = t.GetProperty("sizes");
            double oneSymbol = 1.0 / (sizes.GetProperty("c_length").GetInt32() * sizes.GetProperty("batch").GetInt32());
            var wantAcc = acc.EnumerateArray().Select(a => a.GetDouble()).ToArray();
            double wrong = wantAcc.Select((a, i) => Math.Abs(a - run.Accuracies[i])).Max();
            bool ok = wantAcc.Select((a, i) => Math.Abs(a - run.Accuracies[i]) <= tolerance.AccuracyBound(i + 1, oneSymbol)).All(x => x);
            r.Add("accuracy", (wrong, ok));
        }
        foreach (var p in t.GetProperty("params_after").EnumerateObject())
        {
            if (!run.ParamsAfter.TryGetValue(p.Name, out var got)) continue; // unused (nnRNN's θ_k, k ≥ N/2)
            // The change over the K updates, per tensor: a parameter's own magnitude would hide a wrong step.
            var before = GoldenTensor.Read(t.GetProperty("params_before").GetProperty(p.Name), ScalarType.Float64);
            var wantAfter = GoldenTensor.Read(p.Value, ScalarType.Float64);
            var wantChange = wantAfter - before;
            double error = (got.reshape(before.shape) - before - wantChange).abs().max().item<double>();
            double bound = tolerance.ParameterBound(p.Name, wantChange.abs().max().item<double>());
            r.Add("after." + p.Name, (error, error <= bound));
        }
    }

    /// <summary>
    /// Runs one trajectory of a trajectory file in <paramref name="dtype"/> (float32 as the reference;
    /// float64 to measure our own float32 rounding). <paramref name="jitter"/> &gt; 0 multiplies every
    /// starting parameter by 1 + jitter·N(0, 1) (seeded): rounding-sized noise, to measure how far
    /// rounding alone moves the trajectory. Results are float64 tensors outside any dispose scope.
    /// </summary>
    public static TrajectoryRun RunTrajectory(JsonElement t, UnrollMode mode, ScalarType dtype, double jitter = 0, long seed = 0)
    {
        using var scope = NewDisposeScope();
        using var setup = BuildUpdate(t, mode, 1e-8, dtype);
        var (net, hidden, task, cell, model, optimizer) = (setup.Net, setup.Hidden, setup.Task, setup.Cell, setup.Model, setup.Optimizer);
        if (jitter > 0)
        {
            using var generator = new TorchSharp.torch.Generator((ulong)seed);
            using (no_grad())
                foreach (var p in model.parameters())
                    p.mul_(1 + jitter * randn(p.shape, dtype: ScalarType.Float64, generator: generator).to(p.dtype, p.device));
            foreach (var f in cell.OrthogonalFactors()) f.Refresh();
        }
        var xs = t.GetProperty("batches_x").EnumerateArray().ToArray();
        var ys = t.GetProperty("batches_y").EnumerateArray().ToArray();
        var losses = new double[xs.Length];
        var accuracies = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            using var step = NewDisposeScope();
            var x = Batch(xs[i], ScalarType.Float64).t().to_type(dtype).unsqueeze(2); // [L, B, 1]
            var y = Batch(ys[i], ScalarType.Int64).t().contiguous();                   // [L, B]
            if (dtype == ScalarType.Float32)
                (losses[i], accuracies[i]) = SyntheticTaskStep.Update(model, optimizer, task, x, y);
            else
                (losses[i], accuracies[i]) = UpdateInDouble(model, optimizer, task, x, y);
        }
        var after = new Dictionary<string, Tensor>();
        foreach (var p in t.GetProperty("params_after").EnumerateObject())
        {
            var bare = p.Name.StartsWith("rnn.") ? p.Name[4..] : null;
            var loc = bare is null ? new ParameterLocation(p.Name) : ReferenceNames.Map(net, bare, hidden);
            if (loc.Unused) continue;
            Tensor value;
            using (no_grad())
            {
                if (loc.IsOrthogonalMatrix) value = cell.OrthogonalFactors().Single().Matrix();
                else
                {
                    var full = (bare is null ? "" : "rnn.") + loc.Name;
                    var param = model.named_parameters().First(q => q.name == full).parameter;
                    value = loc.Index is int idx ? param.reshape(-1)[idx].reshape(1) : param;
                }
                after[p.Name] = value.detach().to_type(ScalarType.Float64).clone().MoveToOuterDisposeScope();
            }
        }
        return new TrajectoryRun(t.GetProperty("name").GetString()!, losses, accuracies, after);
    }

    /// <summary><see cref="SyntheticTaskStep.Update"/> for a float64 model (whose loss does not fit item&lt;float&gt;).</summary>
    private static (double, double) UpdateInDouble(PerStepReadoutModel model, Optim.RecurrentOptimizer optimizer, CopyTask task, Tensor x, Tensor y)
    {
        optimizer.ZeroGrad();
        var outputs = model.forward(x);
        var loss = model.WithPenalty(task.Loss(outputs, y));
        loss.backward();
        optimizer.Step();
        return (loss.item<double>(), task.Accuracy(outputs, y));
    }

    /// <summary>batches_x[k] as a [B, L] tensor.</summary>
    private static Tensor Batch(JsonElement rows, ScalarType dtype)
    {
        var data = rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var flat = data.SelectMany(r => r).ToArray();
        var t = tensor(flat, new long[] { data.Length, data[0].Length });
        return GoldenTensor.Placed(dtype == ScalarType.Int64 ? t.round().to_type(ScalarType.Int64) : t.to_type(dtype));
    }
}
