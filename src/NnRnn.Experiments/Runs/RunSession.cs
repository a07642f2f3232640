using System.Text.Json;
using NnRnn.Experiments.Training;

namespace NnRnn.Experiments.Runs;

/// <summary>How long a session runs and how often it checkpoints.</summary>
/// <param name="CheckpointEvery">Checkpoint after every this many updates (copy task, adding, psMNIST) or training windows (PTB); psMNIST and PTB also checkpoint after every epoch.</param>
/// <param name="StopAfter">Stop this session after this many updates without a final checkpoint, as a kill would (for testing resume).</param>
public sealed record RunControl(int CheckpointEvery = 100, int? StopAfter = null)
{
    public void Validate()
    {
        if (CheckpointEvery <= 0) throw new ArgumentException($"--checkpoint-every: must be positive (got {CheckpointEvery})");
        if (StopAfter is <= 0) throw new ArgumentException($"--stop-after: must be positive (got {StopAfter})");
    }
}

/// <summary>
/// A run directory being written by a training loop: fresh (options.json, metrics header) or
/// resumed (options from options.json, the last checkpoint, metrics cut back to the rows that
/// checkpoint had seen — rows written after it, or half-written by a kill, are dropped).
/// </summary>
public sealed class RunSession : IDisposable
{
    public const string CheckpointFile = "checkpoint.bin";
    private const string RowsKey = "metrics_rows";

    private RunSession(RunDirectory directory, MetricsLog metrics, IReadOnlyList<string[]> rows, Checkpoint? checkpoint)
    {
        Directory = directory;
        Metrics = metrics;
        PreviousRows = rows;
        Checkpoint = checkpoint;
    }

    public RunDirectory Directory { get; }

    public MetricsLog Metrics { get; }

    /// <summary>Metric rows (without header) already in the file when resuming.</summary>
    public IReadOnlyList<string[]> PreviousRows { get; }

    /// <summary>The checkpoint resumed from, or null for a fresh run (or one killed before its first checkpoint).</summary>
    public Checkpoint? Checkpoint { get; }

    /// <summary>Creates the run directory and writes options.json and the metrics header.</summary>
    public static RunSession Start(string path, RunOptions options, params string[] columns)
    {
        var directory = RunDirectory.Create(path);
        directory.WriteJson("options.json", options);
        return new RunSession(directory, MetricsLog.Create(directory.File("metrics.csv"), columns), Array.Empty<string[]>(), null);
    }

    /// <summary>Reads a run's options (<typeparamref name="T"/>) from its options.json.</summary>
    public static T ReadOptions<T>(string path) where T : RunOptions
    {
        var file = Path.Combine(path, "options.json");
        if (!System.IO.Directory.Exists(path)) throw new ArgumentException($"--resume: '{path}' is not a run directory");
        if (!File.Exists(file)) throw new ArgumentException($"--resume: '{path}' has no options.json");
        return JsonSerializer.Deserialize<T>(File.ReadAllText(file))
               ?? throw new InvalidDataException($"{file}: empty options");
    }

    /// <summary>Opens an existing run directory to continue it from its last checkpoint.</summary>
    public static RunSession Resume(string path, params string[] columns)
    {
        var directory = RunDirectory.Open(path);
        foreach (var stale in System.IO.Directory.GetFiles(path, "*.tmp")) File.Delete(stale);
        var checkpointPath = directory.File(CheckpointFile);
        var checkpoint = File.Exists(checkpointPath) ? Checkpoint.Load(checkpointPath) : null;
        int rows = checkpoint?.Meta[RowsKey]?.GetValue<int>() ?? 0;
        var (metrics, kept) = MetricsLog.Reopen(directory.File("metrics.csv"), columns, rows);
        return new RunSession(directory, metrics, kept, checkpoint);
    }

    /// <summary>Saves a checkpoint that remembers how many metric rows it has seen.</summary>
    public void SaveCheckpoint(Checkpoint checkpoint)
    {
        Metrics.Flush();
        checkpoint.Meta[RowsKey] = Metrics.Rows;
        checkpoint.Save(Directory.File(CheckpointFile));
    }

    public void Dispose() => Metrics.Dispose();
}
