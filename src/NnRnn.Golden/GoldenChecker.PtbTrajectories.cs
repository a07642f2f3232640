using System.Text.Json;
using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Nonlinearities;
using TorchSharp;
using TorchSharp.Modules;
using NnRnn.Experiments.Tasks;
using NnRnn.Optim;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>
/// PTB trajectories (scripts/fidelity/ref_ptb_trajectory.py): K consecutive truncated-BPTT updates
/// of language_task.py from recorded parameters on recorded rows, through our PTB training path
/// (<see cref="LanguageModel"/>, <see cref="PtbStep"/>, the options' cell and optimizer), with the
/// hidden state carried from window to window; then the validation text evaluated.
/// </summary>
public sealed partial class GoldenChecker
{
    /// <summary>What a PTB trajectory run produced: the loss of each update, the parameters (by reference name) after the first and last update, and the validation scores.</summary>
    public sealed record PtbTrajectoryRun(double[] Losses, Dictionary<string, Tensor> AfterFirst, Dictionary<string, Tensor> After,
        double ValidLoss, double ValidAccuracy, long ValidRows) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in AfterFirst.Values.Concat(After.Values)) t.Dispose();
        }
    }

    /// <summary>The <c>nnrnn ptb</c> options a PTB trajectory's hyper-parameters amount to (no clipping: language_task.py has none).</summary>
    public static PtbOptions PtbTrajectoryOptions(JsonElement t, UnrollMode mode)
    {
        var sizes = t.GetProperty("sizes");
        var hp = t.GetProperty("hparams");
        var net = SeedNames.Parse<NetType>(t.GetProperty("net_type").GetString()!, "net_type");
        var betas = hp.TryGetProperty("betas", out var b) ? new[] { b[0].GetDouble(), b[1].GetDouble() } : new[] { 0.0, 0.9 };
        return new PtbOptions
        {
            NetType = net,
            HiddenSize = sizes.GetProperty("hidden").GetInt32(),
            Emsize = sizes.GetProperty("emsize").GetInt32(),
            Bptt = sizes.GetProperty("bptt").GetInt32(),
            Batch = sizes.GetProperty("batch").GetInt32(),
            EvalBatch = sizes.GetProperty("eval_batch").GetInt32(),
            Optimizer = SeedNames.Parse<OptimizerKind>(hp.GetProperty("optimizer").GetString()!, "optimizer"),
            LearningRate = hp.GetProperty("lr").GetDouble(),
            OrthogonalLearningRate = hp.GetProperty("lr_orth").GetDouble(),
            Alpha = hp.GetProperty("alpha").GetDouble(),
            Betas = betas,
            NonNormalDecay = hp.GetProperty("Tdecay").GetDouble(),
            Delta = net == NetType.NnRnn ? hp.GetProperty("alam").GetDouble() : 0,
            RecurrentInit = SeedNames.Parse<Initializer>(hp.GetProperty("rinit").GetString()!, "rinit"),
            InputInit = SeedNames.Parse<Initializer>(hp.GetProperty("iinit").GetString()!, "iinit"),
            Activation = SeedNames.Parse<Activation>(ReferenceActivation(SeedNames.Of(net), hp.GetProperty("nonlin").GetString()!), "nonlin"),
            Init = InitStyle.Original,
            Clip = 0,
            Unroll = mode,
        };
    }

    /// <summary>How many float32 runs with rounding-sized noise on the start the PTB envelope adds to the two unroll paths.</summary>
    private const int PtbPerturbedRuns = 2;

    /// <summary>
    /// Both unroll paths of one PTB trajectory against the reference, with bounds from a measured
    /// rounding envelope (as <see cref="TrajectoryTolerance"/>: our float32 runs, plain and with
    /// ×(1 + 1e-7·N(0,1)) on the start, against our float64 run; bound = 1e-6 + 1e-5·|want| + 3·envelope).
    /// Quantities: the loss of every update, each parameter's change after the first and after the
    /// last update, and the validation loss after the last (language_task.py's evaluate() divides the
    /// summed window losses by the text's rows, one more than the rows predicted: ours is scaled by
    /// (rows − 1)/rows to compare).
    /// </summary>
    private IEnumerable<CaseResult> CheckPtbTrajectory(JsonElement t)
    {
        var runs = new List<(UnrollMode Mode, PtbTrajectoryRun? Run, string? Error)>();
        foreach (var mode in new[] { UnrollMode.Fused, UnrollMode.StepByStep })
        {
            try { runs.Add((mode, RunPtbTrajectory(t, mode), null)); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { runs.Add((mode, null, ex.Message.Split('\n')[0])); }
        }
        PtbEnvelope? envelope = null;
        string? envelopeError = null;
        try { envelope = PtbEnvelope.Measure(t, runs.Where(r => r.Run is not null).Select(r => r.Run!).ToList()); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { envelopeError = ex.Message.Split('\n')[0]; }
        foreach (var (mode, run, error) in runs)
        {
            yield return Guard($"{Name(t)}[{ModeName(mode)}]", r =>
            {
                if (error is not null || envelopeError is not null) throw new InvalidOperationException(error ?? envelopeError);
                ComparePtbTrajectory(t, run!, envelope!, r);
            });
            run?.Dispose();
        }
    }

    private static void ComparePtbTrajectory(JsonElement t, PtbTrajectoryRun run, PtbEnvelope envelope, CaseResult r)
    {
        var want = t.GetProperty("loss_per_update").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        if (run.Losses.Length != want.Length)
            throw new InvalidDataException($"train_rows make {run.Losses.Length} windows, loss_per_update has {want.Length}");
        double worst = 0;
        int? firstFail = null;
        for (int i = 0; i < want.Length; i++)
        {
            double err = Math.Abs(run.Losses[i] - want[i]);
            if (!double.IsFinite(err)) err = double.PositiveInfinity;
            worst = Math.Max(worst, err);
            if (!(err <= TrajectoryTolerance.SingleUpdate.Bound(Math.Abs(want[i])) + TrajectoryTolerance.Safety * envelope.Loss[i])) firstFail ??= i + 1;
        }
        r.Add($"loss(1..{want.Length})", (worst, firstFail is null));
        if (firstFail is int f) r.Add($"loss@{f}", (Math.Abs(run.Losses[f - 1] - want[f - 1]), false));
        foreach (var (key, ours, tag) in new[] { ("params_after_first", run.AfterFirst, "after1."), ("params_after", run.After, "after.") })
            foreach (var p in t.GetProperty(key).EnumerateObject())
            {
                if (!ours.TryGetValue(p.Name, out var got)) continue; // unused (nnRNN's θ_k, k ≥ N/2)
                // The change from the start, per tensor: a parameter's own magnitude would hide a wrong step.
                using var before = GoldenTensor.Read(t.GetProperty("params_before").GetProperty(p.Name), ScalarType.Float64).cpu();
                using var wantAfter = GoldenTensor.Read(p.Value, ScalarType.Float64).cpu();
                using var wantChange = wantAfter - before;
                double error = (got.reshape(before.shape) - wantAfter).abs().max().item<double>();
                double bound = TrajectoryTolerance.SingleUpdate.Bound(wantChange.abs().max().item<double>())
                               + TrajectoryTolerance.Safety * envelope.Parameters.GetValueOrDefault(tag + p.Name);
                r.Add(tag + p.Name, (error, error <= bound));
            }
        double wantValid = t.GetProperty("valid_loss").GetDouble();
        double scaled = run.ValidLoss * (run.ValidRows - 1) / run.ValidRows;
        double validError = Math.Abs(scaled - wantValid);
        r.Add("valid_loss", (validError, validError <= TrajectoryTolerance.SingleUpdate.Bound(Math.Abs(wantValid)) + TrajectoryTolerance.Safety * envelope.Valid));
    }

    /// <summary>Running max of |loss_k − loss_k(float64)|, per parameter snapshot max |p − p(float64)|, and |valid − valid(float64)|, over our float32 runs.</summary>
    private sealed record PtbEnvelope(double[] Loss, Dictionary<string, double> Parameters, double Valid)
    {
        public static PtbEnvelope Measure(JsonElement t, List<PtbTrajectoryRun> checkedRuns)
        {
            using var exact = RunPtbTrajectory(t, UnrollMode.Fused, ScalarType.Float64);
            var perturbed = Enumerable.Range(1, PtbPerturbedRuns)
                .Select(s => RunPtbTrajectory(t, UnrollMode.Fused, ScalarType.Float32, TrajectoryTolerance.Jitter, s)).ToList();
            var runs = checkedRuns.Concat(perturbed).ToList();
            var loss = TrajectoryTolerance.RunningMax(runs.Select(r => r.Losses), exact.Losses);
            var parameters = TrajectoryTolerance.MaxDeviation(runs.Select(r => r.AfterFirst), exact.AfterFirst, "after1.");
            TrajectoryTolerance.MaxDeviation(runs.Select(r => r.After), exact.After, "after.", parameters);
            double valid = runs.Max(r => Math.Abs(r.ValidLoss - exact.ValidLoss) * (r.ValidRows - 1) / r.ValidRows);
            foreach (var r in perturbed) r.Dispose();
            return new PtbEnvelope(loss, parameters, valid);
        }
    }

    /// <summary>
    /// Runs one PTB trajectory in <paramref name="dtype"/> (float32 as the reference; float64 to
    /// measure our own rounding). <paramref name="jitter"/> &gt; 0 multiplies every starting
    /// parameter by 1 + jitter·N(0, 1) (seeded by <paramref name="seed"/>). Results are float64
    /// tensors outside any dispose scope.
    /// </summary>
    public static PtbTrajectoryRun RunPtbTrajectory(JsonElement t, UnrollMode mode, ScalarType dtype = ScalarType.Float32, double jitter = 0, long seed = 0)
    {
        using var scope = NewDisposeScope();
        var options = PtbTrajectoryOptions(t, mode);
        var net = SeedNames.Of(options.NetType);
        long hidden = options.HiddenSize;
        var cell = CellFactory.Create(options.CellSpec(options.Emsize));
        using var model = new LanguageModel(cell, t.GetProperty("sizes").GetProperty("vocabulary").GetInt64()) { Mode = mode };
        Load(model, net, hidden, t.GetProperty("params_before"), "rnn.");
        if (dtype != ScalarType.Float32) model.to(dtype);       // before the optimizer, which holds the parameters
        if (jitter > 0)
        {
            using var generator = new Generator((ulong)seed);
            using (no_grad())
                foreach (var p in model.parameters())
                    p.mul_(1 + jitter * randn(p.shape, dtype: ScalarType.Float64, generator: generator).to(p.dtype, p.device));
        }
        foreach (var f in cell.OrthogonalFactors()) f.Refresh();
        NnRnn.Experiments.Training.DevicePlacement.Model(model, GoldenTensor.Device);
        using var optimizer = new RecurrentOptimizer(model, cell, options.OptimizerSettings());

        var rows = Rows(t.GetProperty("train_rows"));
        var windows = PtbStep.Windows(rows.shape[0], options.Bptt).ToArray();
        var losses = new double[windows.Length];
        Dictionary<string, Tensor>? afterFirst = null, after = null;
        var state = model.InitialState(options.Batch);
        for (int i = 0; i < windows.Length; i++)
        {
            var (x, y) = PtbStep.Window(rows, windows[i].Start, windows[i].Length);
            var (stats, carried) = PtbStep.Train(model, optimizer, x, y, state);
            state.Dispose();
            state = carried;
            losses[i] = stats.Loss;
            if (i == 0) afterFirst = Snapshot(t, model, cell, net, hidden);
            if (i == windows.Length - 1) after = Snapshot(t, model, cell, net, hidden);
        }
        var valid = Rows(t.GetProperty("valid_rows"));
        var scores = PtbStep.Evaluate(model, valid, options.Bptt);
        return new PtbTrajectoryRun(losses, afterFirst!, after!, scores.Loss, scores.Accuracy, valid.shape[0]);
    }

    /// <summary>Our parameters under the reference's names of <c>params_before</c> (the orthogonal matrix derived from its log).</summary>
    private static Dictionary<string, Tensor> Snapshot(JsonElement t, LanguageModel model, RecurrentCell cell, string net, long hidden)
    {
        var ours = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var values = new Dictionary<string, Tensor>();
        using var _ = no_grad();
        foreach (var p in t.GetProperty("params_before").EnumerateObject())
        {
            var bare = p.Name.StartsWith("rnn.") ? p.Name[4..] : null;
            var loc = bare is null ? new ParameterLocation(p.Name) : ReferenceNames.Map(net, bare, hidden);
            if (loc.Unused) continue;
            Tensor value;
            if (loc.IsOrthogonalMatrix) value = cell.OrthogonalFactors().Single().Matrix();
            else
            {
                var param = ours[(bare is null ? "" : "rnn.") + loc.Name];
                value = loc.Index is int k ? param.reshape(-1)[k].reshape(1) : param;
            }
            values[p.Name] = value.detach().to_type(ScalarType.Float64).cpu().clone().MoveToOuterDisposeScope();
        }
        return values;
    }

    /// <summary>Recorded token rows [rows, columns] as int64 on <see cref="GoldenTensor.Device"/>.</summary>
    private static Tensor Rows(JsonElement rows)
    {
        var data = rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        return GoldenTensor.Placed(tensor(data.SelectMany(r => r).ToArray(), new long[] { data.Length, data[0].Length }));
    }
}
