using System.Text.Json;
using System.Text.Json.Nodes;
using NnRnn.Experiments.Training;

namespace NnRnn.Experiments.Runs;

/// <summary>How long a session runs and how often it checkpoints.</summary>
/// <param name="CheckpointEvery">Checkpoint after every this many updates (copy task, adding, psMNIST) or training windows (PTB); psMNIST and PTB also checkpoint after every epoch. Null: the run's recorded value on resume, else <paramref name="DefaultCheckpointEvery"/>.</param>
/// <param name="StopAfter">Stop this session after this many updates without a final checkpoint, as a kill would (for testing resume).</param>
/// <param name="DefaultCheckpointEvery">The command's default, for a new run (or an old run that did not record its value).</param>
public sealed record RunControl(int? CheckpointEvery = null, int? StopAfter = null, int DefaultCheckpointEvery = 100)
{
    /// <summary>
    /// Where this session trains (<c>--device</c>; the CPU when null). Not an option of the run: a
    /// checkpoint holds CPU tensors, so a run started on one device resumes on another.
    /// </summary>
    public TorchSharp.torch.Device? Device { get; init; }

    public void Validate()
    {
        if (CheckpointEvery is <= 0) throw new ArgumentException($"--checkpoint-every: must be positive (got {CheckpointEvery})");
        if (StopAfter is <= 0) throw new ArgumentException($"--stop-after: must be positive (got {StopAfter})");
    }
}

/// <summary>
/// A run directory being written by a training loop, locked (<see cref="RunLock"/>) for as long as
/// the session lives: fresh (options.json, metrics header) or resumed (the newest usable checkpoint,
/// metrics cut back to the rows that checkpoint had seen — rows written after it, or half-written
/// by a kill, are dropped).
/// </summary>
public sealed class RunSession : IDisposable
{
    public const string CheckpointFile = CheckpointFiles.Newest;
    public const string OptionsFile = "options.json";
    public const string SummaryFile = "summary.json";
    /// <summary>options.json's entries that are not options: the task that wrote it and the checkpoint interval.</summary>
    public const string TaskKey = "task", CheckpointEveryKey = "checkpoint-every";
    private const string RowsKey = "metrics_rows";
    private readonly RunLock runLock;

    private RunSession(RunLock runLock, RunDirectory directory, MetricsLog metrics, IReadOnlyList<string[]> rows, Checkpoint? checkpoint,
        int checkpointEvery, string? notice)
    {
        this.runLock = runLock;
        Directory = directory;
        Metrics = metrics;
        PreviousRows = rows;
        Checkpoint = checkpoint;
        CheckpointEvery = checkpointEvery;
        Notice = notice;
    }

    public RunDirectory Directory { get; }

    public MetricsLog Metrics { get; }

    /// <summary>Metric rows (without header) already in the file when resuming.</summary>
    public IReadOnlyList<string[]> PreviousRows { get; }

    /// <summary>The checkpoint resumed from, or null for a fresh run (or one killed before its first checkpoint).</summary>
    public Checkpoint? Checkpoint { get; }

    /// <summary>The checkpoint interval of this session (recorded in options.json, so it persists across resumes).</summary>
    public int CheckpointEvery { get; }

    /// <summary>A one-line notice for the user (e.g. resuming from the previous checkpoint), or null.</summary>
    public string? Notice { get; }

    /// <summary>Creates (or reuses an abandoned) run directory, locks it, writes options.json and the metrics header.</summary>
    public static RunSession Start(string path, RunOptions options, RunControl control, params string[] columns)
    {
        var directory = RunDirectory.Create(path);
        var held = RunLock.Acquire(path);
        try
        {
            directory.ClearAbandoned();
            int every = control.CheckpointEvery ?? control.DefaultCheckpointEvery;
            var json = JsonSerializer.SerializeToNode(options, options.GetType(), RunDirectory.Json)!.AsObject();
            var file = new JsonObject { [TaskKey] = options.TaskName, [CheckpointEveryKey] = every };
            foreach (var (key, value) in json) file[key] = value?.DeepClone();
            directory.WriteJson(OptionsFile, file);
            return new RunSession(held, directory, MetricsLog.Create(directory.File("metrics.csv"), columns), Array.Empty<string[]>(), null, every, null);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a run's options (<typeparamref name="T"/>) from its options.json; a run of another task
    /// is refused naming its task and command.
    /// </summary>
    public static T ReadOptions<T>(string path) where T : RunOptions, new()
    {
        var file = Path.Combine(path, OptionsFile);
        if (!System.IO.Directory.Exists(path)) throw new ArgumentException($"--resume: '{path}' is not a run directory");
        if (!File.Exists(file))
        {
            var hint = File.Exists(file + ".tmp") || !System.IO.Directory.EnumerateFileSystemEntries(path).Any(e => Path.GetFileName(e) != RunLock.FileName)
                ? $" (killed before it was written: start it again with --out {path})" : "";
            throw new ArgumentException($"--resume: '{path}' has no {OptionsFile}{hint}");
        }
        var node = JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new InvalidDataException($"{file}: not a JSON object");
        var expected = new T().TaskName;
        var task = node[TaskKey]?.GetValue<string>() ?? RunKinds.Infer(node);
        if (task is not null && task != expected)
            throw new ArgumentException($"--resume: {path} is a {task} run; use nnrnn {task} --resume {path}");
        if (task is null) throw new ArgumentException($"--resume: {file} is not the options of a {expected} run");
        return node.Deserialize<T>() ?? throw new InvalidDataException($"{file}: empty options");
    }

    /// <summary>True when the run in <paramref name="path"/> has ended (its summary.json exists): resuming it changes nothing.</summary>
    public static bool IsFinished(string path) => File.Exists(Path.Combine(path, SummaryFile));

    /// <summary>The status an ended run's summary.json records (finished or diverged; finished when it predates the status).</summary>
    public static string EndStatus(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path.Combine(path, SummaryFile)))?["status"]?.GetValue<string>() ?? "finished";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return "finished";
        }
    }

    /// <summary>Opens an existing run directory, locked, to continue it from its newest usable checkpoint.</summary>
    public static RunSession Resume(string path, RunControl control, params string[] columns)
    {
        var directory = RunDirectory.Open(path);
        var held = RunLock.Acquire(path);
        try
        {
            foreach (var stale in System.IO.Directory.GetFiles(path, "*.tmp")) File.Delete(stale);
            File.Delete(directory.File(CheckpointFiles.Next));
            var (checkpoint, notice) = CheckpointFiles.LoadNewest(path);
            int rows = checkpoint?.Meta[RowsKey]?.GetValue<int>() ?? 0;
            var (metrics, kept) = MetricsLog.Reopen(directory.File("metrics.csv"), columns, rows);
            var recorded = JsonNode.Parse(File.ReadAllText(directory.File(OptionsFile)))?[CheckpointEveryKey]?.GetValue<int>();
            int every = control.CheckpointEvery ?? recorded ?? control.DefaultCheckpointEvery;
            return new RunSession(held, directory, metrics, kept, checkpoint, every, notice);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Saves a checkpoint that remembers how many metric rows it has seen (the previous one is kept).</summary>
    public void SaveCheckpoint(Checkpoint checkpoint)
    {
        Metrics.Flush();
        checkpoint.Meta[RowsKey] = Metrics.Rows;
        CheckpointFiles.Save(Directory.Path, checkpoint);
    }

    public void Dispose()
    {
        Metrics.Dispose();
        runLock.Dispose();
    }
}
