using System.Diagnostics;
using NnRnn.Cells;
using NnRnn.Optim;
using NnRnn.Experiments.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Training;

/// <summary>Progress of an online-task run, reported after every update (Score is NaN when the task has none).</summary>
public sealed record OnlineTaskProgress(int Step, int Steps, double Loss, double Score, double Milliseconds);

/// <summary>
/// Trains a cell on an online task (fresh random data every update: copy task, adding problem)
/// and records the run: options.json, metrics.csv (step, loss, [score,] ms), checkpoint.bin, and
/// at the end summary.json and model.pt. A run resumed from its last checkpoint ends with the same
/// metrics as an uninterrupted run.
/// </summary>
public static class OnlineTaskRun
{
    /// <summary>Updates averaged for the final metrics (the seed's copy-task figure reports this window).</summary>
    public const int FinalWindow = 100;

    /// <summary>A new run in <paramref name="outDir"/>; all options are validated before anything is written.</summary>
    /// <param name="started">Called once the model is built, before anything is written (e.g. to print a header).</param>
    /// <returns>The summary, or null when <see cref="RunControl.StopAfter"/> stopped the session early.</returns>
    public static Dictionary<string, object>? Run<T>(T options, string outDir, RunControl? control = null,
        Action<OnlineTaskProgress>? progress = null, Action<IOnlineTask>? started = null) where T : OnlineTaskOptions
    {
        options.Validate();
        options = options.Resolved();
        var columns = Columns(options.Task());
        return Train(options, () => RunSession.Start(outDir, options, columns), control ?? new(), progress, started);
    }

    /// <summary>Continues the run in <paramref name="runDir"/> from its last checkpoint.</summary>
    public static Dictionary<string, object>? Resume<T>(string runDir, RunControl? control = null,
        Action<OnlineTaskProgress>? progress = null, Action<IOnlineTask>? started = null) where T : OnlineTaskOptions
    {
        var options = RunSession.ReadOptions<T>(runDir);
        options.Validate();
        var columns = Columns(options.Task());
        return Train(options, () => RunSession.Resume(runDir, columns), control ?? new(), progress, started);
    }

    private static string[] Columns(IOnlineTask task)
        => task.ScoreName is { } score ? new[] { "step", "loss", score, "ms" } : new[] { "step", "loss", "ms" };

    private static Dictionary<string, object>? Train(OnlineTaskOptions options, Func<RunSession> open, RunControl control,
        Action<OnlineTaskProgress>? progress, Action<IOnlineTask>? started)
    {
        control.Validate();
        set_num_threads(options.Threads);
        manual_seed(options.RandomSeed);
        var task = options.Task();
        var cell = CellFactory.Create(options.CellSpec(task.InputSize));
        using var model = new RecurrentModel(cell, task.Outputs) { Mode = options.UnrollMode() };
        using var optimizer = new RecurrentOptimizer(model, cell, options.OptimizerSettings());
        using var data = new Generator((ulong)options.RandomSeed);
        started?.Invoke(task);

        using var session = open();
        int step = 0;
        if (session.Checkpoint is { } resumed)
        {
            resumed.LoadModule("model", model);
            resumed.LoadOptimizers(optimizer);
            resumed.LoadGenerator("rng.data", data);
            using (var global = resumed.GetTensor("rng.global")) set_rng_state(global);
            step = resumed.Meta["step"]!.GetValue<int>();
        }
        bool scored = task.ScoreName is not null;
        var losses = session.PreviousRows.Select(r => MetricsLog.ParseDouble(r[1])).ToList();
        var scores = scored ? session.PreviousRows.Select(r => MetricsLog.ParseDouble(r[2])).ToList() : new List<double>();

        void SaveCheckpoint()
        {
            var checkpoint = new Checkpoint();
            checkpoint.Meta["step"] = step;
            checkpoint.PutModule("model", model);
            checkpoint.PutOptimizers(optimizer);
            checkpoint.PutGenerator("rng.data", data);
            using (var global = get_rng_state()) checkpoint.PutTensor("rng.global", global);
            session.SaveCheckpoint(checkpoint);
        }

        var total = Stopwatch.StartNew();
        int thisSession = 0;
        while (step < options.Steps)
        {
            var watch = Stopwatch.StartNew();
            double loss, score;
            using (var scope = NewDisposeScope())
            {
                var (x, y) = task.Batch(options.Batch, data);
                (loss, score) = OnlineTaskStep.Update(model, optimizer, task, x, y);
            }
            step++;
            double ms = Math.Round(watch.Elapsed.TotalMilliseconds, 3);
            losses.Add(loss);
            if (scored)
            {
                scores.Add(score);
                session.Metrics.Append(step, loss, score, ms);
            }
            else
                session.Metrics.Append(step, loss, ms);
            progress?.Invoke(new OnlineTaskProgress(step, options.Steps, loss, score, ms));
            if (step % control.CheckpointEvery == 0 && step < options.Steps) SaveCheckpoint();
            if (++thisSession == control.StopAfter && step < options.Steps) return null;
        }
        SaveCheckpoint();
        session.Directory.SaveModel("model.pt", model);
        int window = Math.Min(FinalWindow, losses.Count);
        var summary = new Dictionary<string, object>
        {
            ["task"] = task.Name,
            ["net_type"] = cell.NetType,
            ["steps"] = options.Steps,
            ["final_loss"] = losses.TakeLast(window).Average(),
            ["final_window"] = window,
            ["last_loss"] = losses[^1],
            [task.BaselineName] = task.Baseline,
            ["seconds"] = Math.Round(total.Elapsed.TotalSeconds, 3),
            ["parameters"] = model.parameters().Sum(p => p.numel()),
        };
        if (scored)
        {
            summary["final_" + task.ScoreName] = scores.TakeLast(window).Average();
            summary["last_" + task.ScoreName] = scores[^1];
        }
        session.Directory.WriteJson("summary.json", summary);
        return summary;
    }
}
