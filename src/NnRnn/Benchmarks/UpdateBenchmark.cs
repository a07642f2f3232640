using System.Diagnostics;
using NnRnn.Cells;
using NnRnn.Optim;
using NnRnn.Tasks;
using NnRnn.Training;
using static TorchSharp.torch;

namespace NnRnn.Benchmarks;

/// <summary>One benchmark configuration: a full training update of an online task (Delay is the copy task's T or the adding problem's length).</summary>
public sealed record BenchmarkConfig(string Task, string Net, long Hidden, int Batch, int Delay, int Threads,
    int Warmup, int Repeats, UnrollMode Mode = UnrollMode.Fused, int CopyLength = 10);

/// <summary>Timings of one configuration (field names are relied on by tooling).</summary>
public sealed record BenchmarkResult(string task, string net, long nhid, int batch, int seq_len, int threads,
    string path, int repeats, double ms_median, double ms_min, double ms_mean, double timesteps_per_s);

/// <summary>Times full training updates: data, forward, backward and both optimizers.</summary>
public static class UpdateBenchmark
{
    public static BenchmarkResult Run(BenchmarkConfig config)
    {
        if (config.Repeats <= 0) throw new ArgumentException($"--repeats: must be positive (got {config.Repeats})");
        if (config.Warmup < 0) throw new ArgumentException($"--warmup: must not be negative (got {config.Warmup})");
        IOnlineTask task = config.Task switch
        {
            "copytask" => new CopyTask(config.Delay, copyLength: config.CopyLength),
            "adding" => new AddingProblem(config.Delay),
            _ => throw new ArgumentException($"--task: expected copytask or adding (got '{config.Task}')"),
        };
        set_num_threads(config.Threads);
        manual_seed(1);
        var cell = CellFactory.Create(new CellSpec(config.Net, task.InputSize, config.Hidden,
            RInit: CellFactory.Canonical(config.Net) == "RNN" ? "xavier" : CellFactory.Canonical(config.Net) == "expRNN" ? "henaff" : "cayley"));
        using var model = new RecurrentModel(cell, task.Outputs) { Mode = config.Mode };
        using var optimizer = new RecurrentOptimizer(model, cell, new OptimizerSettings());
        using var generator = new Generator(1);
        bool fused;
        using (no_grad()) fused = config.Mode == UnrollMode.Fused && cell.Prepare() is IFusedRecurrence;   // EURNN has no fused path
        var times = new List<double>();
        for (int i = 0; i < config.Warmup + config.Repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                var (x, y) = task.Batch(config.Batch, generator);
                OnlineTaskStep.Update(model, optimizer, task, x, y);
            }
            watch.Stop();
            if (i >= config.Warmup) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        double median = times.Count % 2 == 1 ? times[times.Count / 2] : 0.5 * (times[times.Count / 2 - 1] + times[times.Count / 2]);
        return new BenchmarkResult(config.Task, CellFactory.Canonical(config.Net), config.Hidden, config.Batch,
            task.SequenceLength, config.Threads, fused ? "fused" : "autograd", times.Count,
            Math.Round(median, 3), Math.Round(times[0], 3), Math.Round(times.Average(), 3),
            Math.Round(task.SequenceLength * config.Batch / (median / 1000.0), 1));
    }
}
