using System.Diagnostics;
using NnRnn.Cells;
using NnRnn.Cells.Kernels;
using NnRnn.Optim;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Models;
using NnRnn.Experiments.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Benchmarks;

/// <summary>
/// One benchmark configuration: a full training update of a task. Length is the sequence length:
/// the copy task's T (sequence T + 2c), the adding problem's length, psMNIST's pixels, PTB's bptt.
/// </summary>
public sealed record BenchmarkConfig(string Task, NetType Net, long Hidden, int Batch, int Length, int Threads,
    int Warmup, int Repeats, UnrollMode Mode = UnrollMode.Fused, int CopyLength = 10, bool SmallKernels = true, string Device = "cpu");

/// <summary>Timings of one configuration (field names are relied on by tooling).</summary>
public sealed record BenchmarkResult(string task, string net, long nhid, int batch, int seq_len, int threads,
    string path, int repeats, double ms_median, double ms_min, double ms_mean, double timesteps_per_s, double? peak_rss_mb, string kernels = "libtorch",
    string device = "cpu", double? page_faults_per_update = null, double? pool_misses_per_update = null);

/// <summary>
/// Resident memory over a long run of updates (<c>nnrnn bench --soak</c>): after the warm-up, every
/// 1000 updates, and at the end. Flat memory means end ≈ start.
/// </summary>
public sealed record SoakResult(string task, string net, long nhid, int batch, int seq_len, int threads, int updates,
    double rss_start_mb, double rss_end_mb, double rss_max_mb, double ms_mean, double[] rss_every_1000_mb);

/// <summary>
/// Times full training updates: a batch of data, forward, backward and both optimizers. psMNIST
/// and PTB updates use random pixels and characters of the real shapes (no dataset needed).
/// </summary>
public static class UpdateBenchmark
{
    public static readonly string[] Tasks = { "copytask", "adding", "psmnist", "ptb" };

    /// <summary>The default sequence length of a task (copy task T, adding length, pixels, bptt).</summary>
    public static int DefaultLength(string task) => task switch { "psmnist" => 784, "ptb" => 150, _ => 200 };

    private const int PtbVocabulary = 50;
    private const int PtbEmbedding = 200;

    public static BenchmarkResult Run(BenchmarkConfig config)
    {
        Validate(config);
        set_num_threads(config.Threads);
        PeakMemory.Reset();
        manual_seed(1);
        using var data = new Generator(1);
        var (cell, sequenceLength, model, update) = Workload(config, data);
        using var _ = model;
        bool fused;
        using (no_grad()) fused = config.Mode == UnrollMode.Fused && cell.Prepare() is IFusedRecurrence;
        var times = new List<double>();
        bool enabled = KernelSelection.Enabled;
        KernelSelection.Enabled = config.SmallKernels;
        long smallBefore = KernelSelection.SmallRuns, elementwiseBefore = KernelSelection.ElementwiseRuns;
        var device = Devices.ComputeDevice.Parse(config.Device);
        long? faultsBefore = null;
        (long Rents, long Reuses) poolBefore = default;
        try
        {
            for (int i = 0; i < config.Warmup + config.Repeats; i++)
            {
                if (i == config.Warmup) { faultsBefore = PeakMemory.MinorFaults(); poolBefore = Devices.TensorMemoryPool.Counts; }
                var watch = Stopwatch.StartNew();
                using (var scope = NewDisposeScope()) update();
                DevicePlacement.Synchronize(device);   // the update's kernels are done, not only queued
                watch.Stop();
                if (i >= config.Warmup) times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        finally { KernelSelection.Enabled = enabled; }
        double? faults = PeakMemory.MinorFaults() - faultsBefore is long f && times.Count > 0 ? Math.Round((double)f / times.Count, 1) : null;
        // large buffers the pool had to allocate afresh after the warm-up (0 when every update reuses them)
        var pool = Devices.TensorMemoryPool.Counts;
        double? poolMisses = times.Count > 0 ? Math.Round((double)(pool.Rents - poolBefore.Rents - (pool.Reuses - poolBefore.Reuses)) / times.Count, 2) : null;
        bool small = KernelSelection.SmallRuns > smallBefore;
        bool elementwise = KernelSelection.ElementwiseRuns > elementwiseBefore;
        times.Sort();
        double median = times.Count % 2 == 1 ? times[times.Count / 2] : 0.5 * (times[times.Count / 2 - 1] + times[times.Count / 2]);
        return new BenchmarkResult(config.Task, SeedNames.Of(config.Net), config.Hidden, config.Batch,
            sequenceLength, config.Threads, fused ? "fused" : "autograd", times.Count,
            Math.Round(median, 3), Math.Round(times[0], 3), Math.Round(times.Average(), 3),
            Math.Round(sequenceLength * config.Batch / (median / 1000.0), 1), PeakMemory.PeakMb(),
            small ? "small" : elementwise ? "blas+elementwise" : "libtorch", Devices.ComputeDevice.Name(device), faults, poolMisses);
    }

    /// <summary>Runs <paramref name="updates"/> updates after the warm-up and samples the resident memory.</summary>
    public static SoakResult Soak(BenchmarkConfig config, int updates)
    {
        if (updates <= 0) throw new ArgumentException($"--soak: must be positive (got {updates})");
        set_num_threads(config.Threads);
        manual_seed(1);
        using var data = new Generator(1);
        var (_, sequenceLength, model, update) = Workload(config, data);
        using var _ = model;
        for (int i = 0; i < config.Warmup; i++)
            using (var scope = NewDisposeScope()) update();
        double start = ResidentMb();
        var samples = new List<double>();
        var watch = Stopwatch.StartNew();
        for (int i = 1; i <= updates; i++)
        {
            using (var scope = NewDisposeScope()) update();
            if (i % 1000 == 0) samples.Add(Math.Round(ResidentMb(), 1));
        }
        double end = ResidentMb(), max = samples.Append(start).Max();
        return new SoakResult(config.Task, SeedNames.Of(config.Net), config.Hidden, config.Batch, sequenceLength, config.Threads,
            updates, Math.Round(start, 1), Math.Round(end, 1), Math.Round(Math.Max(max, end), 1),
            Math.Round(watch.Elapsed.TotalMilliseconds / updates, 3), samples.ToArray());
    }

    private static double ResidentMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>Checks a configuration's counts, task, threads and memory (before any benchmark runs).</summary>
    public static void Validate(BenchmarkConfig config)
    {
        if (config.Repeats <= 0) throw new ArgumentException($"--repeats: must be positive (got {config.Repeats})");
        if (config.Warmup < 0) throw new ArgumentException($"--warmup: must not be negative (got {config.Warmup})");
        if (!Tasks.Contains(config.Task)) throw new ArgumentException($"--task: expected one of {string.Join(", ", Tasks)} (got '{config.Task}')");
        if (config.Threads is < 1 or > RunOptions.MaxThreads)
            throw new ArgumentException($"--threads: expected 1 to {RunOptions.MaxThreads} (got {config.Threads})");
        CheckMemory(config);
    }

    /// <summary>
    /// Refuses a configuration that cannot fit in memory (<see cref="MemoryEstimate"/>); the error's
    /// parameter is <c>HiddenSize</c>, <c>Batch</c> or <c>Length</c>.
    /// </summary>
    public static void CheckMemory(BenchmarkConfig config)
    {
        RunFootprint Footprint(double length) => config.Task switch
        {
            "psmnist" => new(1, 10, 1, length, nameof(BenchmarkConfig.Length)),
            "ptb" => new(PtbEmbedding, PtbVocabulary, length, length, nameof(BenchmarkConfig.Length), PtbVocabulary * PtbEmbedding),
            "adding" => new(2, 1, length, length, nameof(BenchmarkConfig.Length)),
            _ => new(1, 9, length + 2.0 * config.CopyLength, length + 2.0 * config.CopyLength, nameof(BenchmarkConfig.Length)),
        };
        var defaults = new CopyTaskOptions();
        var options = defaults with { NetType = config.Net, HiddenSize = (int)Math.Min(int.MaxValue, config.Hidden), Batch = config.Batch };
        MemoryEstimate.Check(options, Footprint(config.Length), defaults with { NetType = config.Net }, Footprint(DefaultLength(config.Task)));
    }

    /// <summary>The update's input width, read-out classes and whether it reads out at every step (for the roofline's FLOPs).</summary>
    public static (long Input, long Outputs, bool EveryStep) Shape(BenchmarkConfig c) => c.Task switch
    {
        "psmnist" => (1, 10, false),
        "ptb" => (PtbEmbedding, PtbVocabulary, true),
        "adding" => (2, 1, false),
        _ => CopyShape(new CopyTask(c.Length, copyLength: c.CopyLength)),
    };

    private static (long, long, bool) CopyShape(ISyntheticTask task) => (task.InputSize, task.Outputs, true);

    /// <summary>The cell, the sequence length, the model (to dispose) and one update of the task (returning its loss).</summary>
    internal static (RecurrentCell Cell, int Length, nn.Module Model, Func<double> Update) Workload(BenchmarkConfig c, Generator data)
    {
        var net = c.Net;
        var device = Devices.ComputeDevice.Parse(c.Device);
        // built and drawn on the CPU, then moved: the same workload on every device
        T On<T>(T model) where T : nn.Module => DevicePlacement.Model(model, device);
        Tensor Moved(Tensor t) => DevicePlacement.Tensor(t, device);
        RecurrentCell Cell(long input) => CellFactory.Create(new CellSpec(net, input, c.Hidden,
            RecurrentInit: net is NetType.Rnn or NetType.Lstm ? Initializer.Xavier : net == NetType.ExpRnn ? Initializer.Henaff : Initializer.Cayley));
        var settings = new OptimizerSettings();
        switch (c.Task)
        {
            case "psmnist":
            {
                var cell = Cell(1);
                var model = On(new SequenceClassifier(cell, 10) { Mode = c.Mode });
                var optimizer = new RecurrentOptimizer(model, cell, settings);
                return (cell, c.Length, model, () => PsmnistTraining.Update(model, optimizer,
                    Moved(rand(new long[] { c.Length, c.Batch, 1 }, generator: data)), Moved(randint(0, 10, new long[] { c.Batch }, generator: data))).Loss);
            }
            case "ptb":
            {
                var cell = Cell(PtbEmbedding);
                var model = On(new LanguageModel(cell, PtbVocabulary) { Mode = c.Mode });
                var optimizer = new RecurrentOptimizer(model, cell, settings with { Optimizer = OptimizerKind.Adam, Betas = (0.0, 0.9), Clip = 10 });
                return (cell, c.Length, model, () =>
                {
                    var text = Moved(randint(0, PtbVocabulary, new long[] { c.Length + 1, c.Batch }, generator: data));
                    var (stats, carried) = PtbStep.Train(model, optimizer, text[..c.Length], text[1..], model.InitialState(c.Batch));
                    carried.Dispose();
                    return stats.Loss;
                });
            }
            default:
            {
                ISyntheticTask task = c.Task == "adding" ? new AddingProblem(c.Length) : new CopyTask(c.Length, copyLength: c.CopyLength);
                var cell = Cell(task.InputSize);
                var model = On(new PerStepReadoutModel(cell, task.Outputs) { Mode = c.Mode });
                var optimizer = new RecurrentOptimizer(model, cell, settings);
                return (cell, task.SequenceLength, model, () =>
                {
                    var (x, y) = task.Batch(c.Batch, data);
                    return SyntheticTaskStep.Update(model, optimizer, task, Moved(x), Moved(y)).Loss;
                });
            }
        }
    }
}
