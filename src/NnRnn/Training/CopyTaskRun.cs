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
/// options.json, metrics.csv (step, loss, accuracy, ms), summary.json and the final model.pt.
/// </summary>
public static class CopyTaskRun
{
    /// <summary>Updates averaged for the final metrics (the seed's figure reports this window).</summary>
    public const int FinalWindow = 100;

    /// <summary>Builds everything (validating all options) before anything is written to disk.</summary>
    /// <param name="started">Called once the model is built, before anything is written (e.g. to print a header).</param>
    public static Dictionary<string, object> Run(CopyTaskOptions options, string outDir,
        Action<CopyTaskProgress>? progress = null, Action<CopyTask>? started = null)
    {
        options.Validate();
        options = options.Resolved();
        set_num_threads(options.Threads);
        manual_seed(options.RandomSeed);
        var task = options.Task();
        var cell = CellFactory.Create(options.CellSpec(task.InputSize));
        using var model = new RecurrentModel(cell, task.Classes) { Mode = options.UnrollMode() };
        using var optimizer = new RecurrentOptimizer(model, cell, options.OptimizerSettings());
        using var data = new Generator((ulong)options.RandomSeed);

        started?.Invoke(task);
        var run = RunDirectory.Create(outDir);
        run.WriteJson("options.json", options);
        var losses = new List<double>();
        var accuracies = new List<double>();
        var total = Stopwatch.StartNew();
        using (var metrics = new MetricsLog(run.File("metrics.csv"), "step", "loss", "accuracy", "ms"))
        {
            for (int step = 1; step <= options.Steps; step++)
            {
                var watch = Stopwatch.StartNew();
                double loss, accuracy;
                using (var scope = NewDisposeScope())
                {
                    var (x, y) = task.Batch(options.Batch, data);
                    (loss, accuracy) = CopyTaskStep.Update(model, optimizer, task, x, y);
                }
                double ms = watch.Elapsed.TotalMilliseconds;
                losses.Add(loss);
                accuracies.Add(accuracy);
                metrics.Append(step, loss, accuracy, Math.Round(ms, 3));
                if (step % 50 == 0) metrics.Flush();
                progress?.Invoke(new CopyTaskProgress(step, options.Steps, loss, accuracy, ms));
            }
        }
        run.SaveModel("model.pt", model);
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
        run.WriteJson("summary.json", summary);
        return summary;
    }
}
