using System.Diagnostics;
using NnRnn.Cells;
using NnRnn.Optim;
using NnRnn.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Training;

/// <summary>Progress of a copy-task run, reported after every update.</summary>
public sealed record CopyTaskProgress(int Step, int Steps, double Loss, double Accuracy, double Milliseconds);

/// <summary>
/// Trains a cell on the copy task with fresh random data every update and records the run:
/// options.json, metrics.csv (step, loss, accuracy, ms), checkpoint.bin, and at the end
/// summary.json and model.pt. A run can be resumed from its last checkpoint and then ends with
/// the same metrics as an uninterrupted run.
/// </summary>
public static class CopyTaskRun
{
    /// <summary>Updates averaged for the final metrics (the seed's figure reports this window).</summary>
    public const int FinalWindow = 100;

    private static readonly string[] Columns = { "step", "loss", "accuracy", "ms" };

    /// <summary>A new run in <paramref name="outDir"/>; all options are validated before anything is written.</summary>
    /// <param name="started">Called once the model is built, before anything is written (e.g. to print a header).</param>
    /// <returns>The summary, or null when <see cref="RunControl.StopAfter"/> stopped the session early.</returns>
    public static Dictionary<string, object>? Run(CopyTaskOptions options, string outDir, RunControl? control = null,
        Action<CopyTaskProgress>? progress = null, Action<CopyTask>? started = null)
    {
        options.Validate();
        options = options.Resolved();
        return Train(options, () => RunSession.Start(outDir, options, Columns), control ?? new(), progress, started);
    }

    /// <summary>Continues the run in <paramref name="runDir"/> from its last checkpoint.</summary>
    public static Dictionary<string, object>? Resume(string runDir, RunControl? control = null,
        Action<CopyTaskProgress>? progress = null, Action<CopyTask>? started = null)
    {
        var options = RunSession.ReadOptions<CopyTaskOptions>(runDir);
        options.Validate();
        return Train(options, () => RunSession.Resume(runDir, Columns), control ?? new(), progress, started);
    }

    private static Dictionary<string, object>? Train(CopyTaskOptions options, Func<RunSession> open, RunControl control,
        Action<CopyTaskProgress>? progress, Action<CopyTask>? started)
    {
        control.Validate();
        set_num_threads(options.Threads);
        manual_seed(options.RandomSeed);
        var task = options.Task();
        var cell = CellFactory.Create(options.CellSpec(task.InputSize));
        using var model = new RecurrentModel(cell, task.Classes) { Mode = options.UnrollMode() };
        using var optimizer = new RecurrentOptimizer(model, cell, options.OptimizerSettings());
        using var data = new Generator((ulong)options.RandomSeed);
        started?.Invoke(task);

        using var session = open();
        int step = 0;
        if (session.Checkpoint is { } resumed)
        {
            resumed.LoadModule("model", model);
            optimizer.LoadFrom(resumed);
            resumed.LoadGenerator("rng.data", data);
            using (var global = resumed.GetTensor("rng.global")) set_rng_state(global);
            step = resumed.Meta["step"]!.GetValue<int>();
        }
        var losses = session.PreviousRows.Select(r => MetricsLog.ParseDouble(r[1])).ToList();
        var accuracies = session.PreviousRows.Select(r => MetricsLog.ParseDouble(r[2])).ToList();

        void SaveCheckpoint()
        {
            var checkpoint = new Checkpoint();
            checkpoint.Meta["step"] = step;
            checkpoint.PutModule("model", model);
            optimizer.SaveTo(checkpoint);
            checkpoint.PutGenerator("rng.data", data);
            using (var global = get_rng_state()) checkpoint.PutTensor("rng.global", global);
            session.SaveCheckpoint(checkpoint);
        }

        var total = Stopwatch.StartNew();
        int thisSession = 0;
        while (step < options.Steps)
        {
            var watch = Stopwatch.StartNew();
            double loss, accuracy;
            using (var scope = NewDisposeScope())
            {
                var (x, y) = task.Batch(options.Batch, data);
                (loss, accuracy) = CopyTaskStep.Update(model, optimizer, task, x, y);
            }
            step++;
            double ms = watch.Elapsed.TotalMilliseconds;
            losses.Add(loss);
            accuracies.Add(accuracy);
            session.Metrics.Append(step, loss, accuracy, Math.Round(ms, 3));
            progress?.Invoke(new CopyTaskProgress(step, options.Steps, loss, accuracy, ms));
            if (step % control.CheckpointEvery == 0 && step < options.Steps) SaveCheckpoint();
            if (++thisSession == control.StopAfter && step < options.Steps) return null;
        }
        SaveCheckpoint();
        session.Directory.SaveModel("model.pt", model);
        int window = Math.Min(FinalWindow, losses.Count);
        var summary = new Dictionary<string, object>
        {
            ["task"] = "copytask",
            ["net_type"] = cell.NetType,
            ["steps"] = options.Steps,
            ["final_loss"] = losses.TakeLast(window).Average(),
            ["final_accuracy"] = accuracies.TakeLast(window).Average(),
            ["final_window"] = window,
            ["last_loss"] = losses[^1],
            ["last_accuracy"] = accuracies[^1],
            ["memoryless_baseline"] = task.MemorylessBaseline,
            ["seconds"] = Math.Round(total.Elapsed.TotalSeconds, 3),
            ["parameters"] = model.parameters().Sum(p => p.numel()),
        };
        session.Directory.WriteJson("summary.json", summary);
        return summary;
    }
}
