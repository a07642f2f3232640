using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Store;

namespace NnRnn.Experiments.Sweeps;

/// <summary>How one sweep run ended this time.</summary>
/// <param name="Log">The worker's stdout and stderr (null when the run was skipped).</param>
/// <param name="LastError">The worker's last stderr line when it did not finish.</param>
public sealed record SweepOutcome(SweepRun Run, string Status, bool Skipped, string? Log, string? LastError);

/// <summary>
/// Runs a sweep: each run not yet ended in a worker process of the same CLI (a new run, or
/// <c>--resume</c> of an interrupted one), at most <c>jobs</c> at once, each recording into the
/// store with the sweep's name. Worker output goes to ROOT/SWEEP/logs/LABEL.log.
/// </summary>
/// <param name="worker">Makes the process start info for a CLI invocation with the given arguments.</param>
public sealed class SweepRunner(SweepSpec spec, string root, string storePath, int jobs, ISweepObserver observer,
    Func<IReadOnlyList<string>, ProcessStartInfo> worker, Action<string> warn)
{
    /// <summary>How often a running run's metrics.csv is read for progress.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public async Task<IReadOnlyList<SweepOutcome>> RunAsync(CancellationToken cancel = default)
    {
        var runs = SweepPlan.Expand(spec, root);
        var done = runs.Where(r => r.State() == SweepRunState.Done).ToList();
        observer.SweepStarted(spec.Name, runs.Count, done.Count);
        var outcomes = done.Select(r => new SweepOutcome(r, RunSession.EndStatus(r.Directory), true, null, null)).ToList();
        var logs = Path.Combine(Path.GetFullPath(root), spec.Name, "logs");
        Directory.CreateDirectory(logs);
        var todo = runs.Except(done).ToList();
        var results = new SweepOutcome[todo.Count];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, todo.Count), new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancel },
                async (i, token) => results[i] = await RunOne(todo[i], Path.Combine(logs, todo[i].Label + ".log"), token));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // stopped (Ctrl+C, SIGTERM): the workers were stopped too; runs not started stay to run
        }
        outcomes.AddRange(results.Where(r => r is not null));
        Reconcile(outcomes.Where(o => o.Status is RunStatuses.Finished or RunStatuses.Diverged).Select(o => o.Run));
        observer.SweepEnded(outcomes.Count(o => o.Status == RunStatuses.Finished), outcomes.Count(o => o.Status is not (RunStatuses.Finished or RunStatuses.Diverged)));
        return outcomes;
    }

    /// <summary>The worker's arguments: a new run (--out) or a resume of the run directory.</summary>
    public IReadOnlyList<string> WorkerArguments(SweepRun run) => run.State() == SweepRunState.Resume
        ? [spec.Task, "--resume", run.Directory, "--store", storePath]
        : [.. run.Arguments, "--out", run.Directory, "--store", storePath];

    private async Task<SweepOutcome> RunOne(SweepRun run, string logPath, CancellationToken cancel)
    {
        var psi = worker(WorkerArguments(run));
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        psi.Environment[StoreObserver.SweepVariable] = spec.Name;
        observer.RunStarted(run.Label);
        string? lastError = null;
        using (var log = new StreamWriter(logPath, append: true) { AutoFlush = true })
        {
            log.WriteLine($"# {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC: {string.Join(' ', psi.ArgumentList)}");
            using var process = new Process { StartInfo = psi };
            void Line(string? text, bool error)
            {
                if (text is null) return;
                lock (log) log.WriteLine(text);
                if (error && text.Trim().Length > 0) lastError = text.Trim();
            }
            process.OutputDataReceived += (_, e) => Line(e.Data, false);
            process.ErrorDataReceived += (_, e) => Line(e.Data, true);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var exited = process.WaitForExitAsync(CancellationToken.None);
            while (!exited.IsCompleted)
            {
                if (cancel.IsCancellationRequested)
                {
                    // a stopped sweep stops its workers: each leaves an interrupted run the next sweep resumes
                    try { process.Kill(entireProcessTree: true); }
                    catch (InvalidOperationException) { }
                    break;
                }
                await Task.WhenAny(exited, Task.Delay(PollInterval, CancellationToken.None));
                if (Progress(run) is { } p) observer.RunProgress(run.Label, p.Position, p.Total, p.Loss, p.Accuracy);
            }
            await exited;
            process.WaitForExit();   // drains the output handlers
            lock (log) log.WriteLine($"# exit code {process.ExitCode}");
            var status = RunSession.IsFinished(run.Directory) ? RunSession.EndStatus(run.Directory)
                : process.ExitCode == 0 || cancel.IsCancellationRequested ? RunStatuses.Interrupted : RunStatuses.Failed;
            observer.RunEnded(run.Label, status);
            return new SweepOutcome(run, status, false, logPath, status == RunStatuses.Finished ? null : lastError);
        }
    }

    /// <summary>The newest metrics row of a running run: position, total (steps or epochs), loss and an accuracy when the task has one.</summary>
    internal static (long Position, long Total, double? Loss, double? Accuracy)? Progress(SweepRun run)
    {
        try
        {
            var metrics = Path.Combine(run.Directory, "metrics.csv");
            var optionsFile = Path.Combine(run.Directory, RunSession.OptionsFile);
            if (!File.Exists(metrics) || !File.Exists(optionsFile)) return null;
            var options = JsonNode.Parse(File.ReadAllText(optionsFile));
            long total = options?["steps"]?.GetValue<int>() ?? options?["epochs"]?.GetValue<int>() ?? 0;
            string[] lines;
            using (var stream = new FileStream(metrics, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream))
                lines = reader.ReadToEnd().Split('\n');
            if (lines.Length < 3) return null;
            var header = lines[0].TrimEnd('\r').Split(',');
            var row = lines[^2].TrimEnd('\r').Split(',');
            if (row.Length != header.Length) return null;
            double? Column(Func<string, bool> match)
            {
                int i = Array.FindIndex(header, h => match(h));
                return i >= 0 && double.TryParse(row[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
            }
            var accuracy = Column(h => h == "valid_accuracy") ?? Column(h => h.Contains("accuracy", StringComparison.Ordinal));
            var loss = Column(h => h == "valid_loss") ?? Column(h => h == "loss") ?? Column(h => h == "train_loss");
            return (long.Parse(row[0], CultureInfo.InvariantCulture), total, loss, accuracy);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;   // the file is being replaced; the next poll reads it
        }
    }

    /// <summary>Ended runs missing from the store (or recorded without the sweep) are imported from their run directories.</summary>
    private void Reconcile(IEnumerable<SweepRun> ended)
    {
        try
        {
            using var store = RunStore.Open(storePath);
            foreach (var run in ended)
            {
                var recorded = store.FindByDirectory(run.Directory);
                if (recorded is null || recorded.Sweep != spec.Name || recorded.Status is not (RunStatuses.Finished or RunStatuses.Diverged))
                    RunImport.Import(store, run.Directory, spec.Name);
            }
        }
        catch (Exception e) when (e is RunStoreException or Microsoft.Data.Sqlite.SqliteException or IOException or ArgumentException)
        {
            warn($"{e.Message.Split('\n')[0]}; the run directories are complete (nnrnn runs import {Path.Combine(root, spec.Name)} --sweep {spec.Name})");
        }
    }
}
