using System.Diagnostics;
using System.Text.Json;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Training;

namespace NnRnn.Experiments.Store;

/// <summary>
/// Records a run in the store as the trainer drives it, so the trainer stays unaware of the store.
/// Metrics rows are batched (at most <see cref="BatchRows"/> rows or <see cref="BatchSeconds"/>
/// seconds per transaction). A store that fails is reported once through <paramref name="warn"/>
/// and then left alone: the run goes on, its run directory stays the truth (<c>nnrnn runs import</c>).
/// Disposed without having seen the run end (an exception stopped it), the run is recorded as failed.
/// </summary>
public sealed class StoreObserver(string storePath, string? sweep, Action<string> warn) : ITrainingObserver, IDisposable
{
    public const int BatchRows = 200;
    public const double BatchSeconds = 2;
    private readonly List<string[]> pending = [];
    private IReadOnlyList<string> columns = [];
    private readonly Stopwatch sinceFlush = Stopwatch.StartNew();
    private RunStore? store;
    private long? id;
    private bool broken, ended;

    /// <summary>The environment variable a sweep sets for its workers: the sweep's name.</summary>
    public const string SweepVariable = "NNRNN_SWEEP";

    public void RunStarted(RunStarted run) => Guard(() =>
    {
        store ??= RunStore.Open(storePath);
        var options = JsonSerializer.Serialize(run.Options, run.Options.GetType(), RunDirectory.Json);
        id = store.Begin(new RunRecord(run.Directory, run.Task, SeedNames.Of(run.Options.NetType), run.Options.Preset, run.Options.RandomSeed,
            sweep, options, CodeVersion.Get(), Environment.MachineName, Environment.ProcessId, DateTimeOffset.UtcNow,
            []));
        if (run.Resumed)
        {
            // rows the previous session saw but never flushed here: metrics.csv (cut back to the checkpoint) has them
            var (header, rows) = RunImport.ReadMetrics(Path.Combine(run.Directory, "metrics.csv"));
            store.ReplaceMetrics(id.Value, header, rows);
        }
    });

    public void MetricsRowWritten(MetricsRow row)
    {
        if (broken || id is null) return;
        columns = row.Columns;
        pending.Add(row.Values().Select(MetricsLog.Format).ToArray());
        if (pending.Count >= BatchRows || sinceFlush.Elapsed.TotalSeconds >= BatchSeconds) Flush();
    }

    public void RunEnded(RunEnded end)
    {
        Flush();
        ended = true;
        var status = end.Summary is null ? RunStatuses.Interrupted
            : end.Summary.Status == RunStatus.Diverged ? RunStatuses.Diverged : RunStatuses.Finished;
        var summary = end.Summary is null ? null : JsonSerializer.Serialize(end.Summary, end.Summary.GetType(), RunDirectory.Json);
        Guard(() => { if (id is { } run) store!.End(run, status, summary, DateTimeOffset.UtcNow); });
    }

    private void Flush()
    {
        if (pending.Count == 0) return;
        var rows = pending.ToArray();
        pending.Clear();
        sinceFlush.Restart();
        Guard(() => { if (id is { } run) store!.AddMetrics(run, columns, rows); });
    }

    private void Guard(Action action)
    {
        if (broken) return;
        try
        {
            action();
        }
        catch (Exception e) when (e is RunStoreException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            broken = true;
            var reason = e is RunStoreException ? e.Message : $"run store {storePath}: {e.Message}";
            warn($"{reason}; the run continues unrecorded (its run directory stays complete: nnrnn runs import can add it later)");
        }
    }

    public void Dispose()
    {
        if (!ended && id is { } run)
        {
            Flush();
            Guard(() => store!.End(run, RunStatuses.Failed, null, DateTimeOffset.UtcNow));
        }
        store?.Dispose();
    }
}
