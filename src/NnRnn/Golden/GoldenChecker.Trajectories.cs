using System.Text.Json;
using NnRnn.Cells;
using NnRnn.Training;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>
/// Trajectory cases: K consecutive copy-task updates from the recorded parameters on the recorded
/// batches with the recorded hyper-parameters, through the training loop's own update
/// (<see cref="OnlineTaskStep"/>); the loss of every update and the parameters after the last are
/// compared with bounds that grow with the update index (<see cref="TrajectoryTolerance"/>).
/// </summary>
public sealed partial class GoldenChecker
{
    /// <summary>What a trajectory run produced: the loss and accuracy of each update and the final parameters by reference name.</summary>
    public sealed record TrajectoryRun(string Name, double[] Losses, double[] Accuracies, Dictionary<string, Tensor> ParamsAfter);

    private void CheckTrajectory(JsonElement t, UnrollMode mode, CaseResult r)
    {
        var run = RunTrajectory(t, mode, ScalarType.Float32);
        var want = t.GetProperty("loss_per_update").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        int k = want.Length;
        double worst = 0;
        int? firstFail = null;
        for (int i = 0; i < k; i++)
        {
            var (err, ok) = TrajectoryTolerance.Loss(i + 1).Compare(tensor(run.Losses[i]), tensor(want[i]));
            worst = Math.Max(worst, double.IsNaN(err) ? double.PositiveInfinity : err);
            if (!ok) firstFail ??= i + 1;
        }
        r.Add($"loss(1..{k})", (worst, firstFail is null));
        if (firstFail is int f)
            r.Add($"loss@{f}", (Math.Abs(run.Losses[f - 1] - want[f - 1]), false));
        if (t.TryGetProperty("accuracy_per_update", out var acc) && acc.ValueKind == JsonValueKind.Array && acc.GetArrayLength() == k)
        {
            // An argmax can flip where two logits are within rounding: one symbol of the batch per update.
            double wrong = acc.EnumerateArray().Select((a, i) => Math.Abs(a.GetDouble() - run.Accuracies[i])).Max();
            var sizes = t.GetProperty("sizes");
            double oneSymbol = 1.0 / (sizes.GetProperty("c_length").GetInt32() * sizes.GetProperty("batch").GetInt32());
            r.Add("accuracy", (wrong, wrong <= oneSymbol + 1e-12));
        }
        var paramTol = TrajectoryTolerance.Parameters(k);
        foreach (var p in t.GetProperty("params_after").EnumerateObject())
        {
            if (!run.ParamsAfter.TryGetValue(p.Name, out var got)) continue; // unused (nnRNN's θ_k, k ≥ N/2)
            // The change over the K updates, per tensor: a parameter's own magnitude would hide a wrong step.
            var before = GoldenTensor.Read(t.GetProperty("params_before").GetProperty(p.Name), ScalarType.Float64);
            var wantAfter = GoldenTensor.Read(p.Value, ScalarType.Float64);
            r.Add("after." + p.Name, paramTol.Compare(got.to_type(ScalarType.Float64).reshape(before.shape) - before, wantAfter - before));
        }
    }

    /// <summary>
    /// Runs one trajectory of a trajectory file in <paramref name="dtype"/> (float32 as the reference;
    /// float64 to measure our own float32 rounding). Results are float64 tensors outside any dispose scope.
    /// </summary>
    public static TrajectoryRun RunTrajectory(JsonElement t, UnrollMode mode, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var setup = BuildUpdate(t, mode, 1e-8, dtype);
        var (net, hidden, task, cell, model, optimizer) = (setup.Net, setup.Hidden, setup.Task, setup.Cell, setup.Model, setup.Optimizer);
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
                (losses[i], accuracies[i]) = OnlineTaskStep.Update(model, optimizer, task, x, y);
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
        foreach (var v in after.Values) v.MoveToOuterDisposeScope();
        return new TrajectoryRun(t.GetProperty("name").GetString()!, losses, accuracies, after);
    }

    /// <summary><see cref="OnlineTaskStep.Update"/> for a float64 model (whose loss does not fit item&lt;float&gt;).</summary>
    private static (double, double) UpdateInDouble(RecurrentModel model, Optim.RecurrentOptimizer optimizer, Tasks.CopyTask task, Tensor x, Tensor y)
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
        return dtype == ScalarType.Int64 ? t.round().to_type(ScalarType.Int64) : t.to_type(dtype);
    }
}
