namespace NnRnn.Experiments.Store;

/// <summary>Status values of a stored run.</summary>
public static class RunStatuses
{
    public const string Running = "running", Finished = "finished", Failed = "failed", Diverged = "diverged", Interrupted = "interrupted";

    public static readonly string[] All = [Running, Finished, Failed, Diverged, Interrupted];
}

/// <summary>One run as the store records it.</summary>
/// <param name="Directory">The run directory, absolute (the run's source of truth).</param>
/// <param name="Options">options.json's content (JSON text).</param>
/// <param name="Summary">summary.json's content (JSON text), null until the run ended.</param>
/// <param name="Final">The summary's numeric entries (e.g. test_bpc, test_accuracy, final_loss); empty until the run ended.</param>
public sealed record StoredRun(long Id, string Directory, string Task, string NetType, string? Preset, int? Seed, string? Sweep,
    string Status, string Options, string? CodeVersion, string? Host, int? Pid, DateTimeOffset? Started, DateTimeOffset? Ended,
    string? Summary, IReadOnlyDictionary<string, double> Final);

/// <summary>Which runs a query returns; null matches anything.</summary>
public sealed record RunFilter(string? Task = null, string? NetType = null, string? Status = null, string? Sweep = null);

/// <summary>A run's metrics rows (metrics.csv's columns and rows, parsed).</summary>
public sealed record MetricSeries(IReadOnlyList<string> Columns, IReadOnlyList<double[]> Rows)
{
    /// <summary>The values of one column, in row order.</summary>
    public double[] Column(string name)
    {
        int i = Columns.ToList().IndexOf(name);
        if (i < 0) throw new ArgumentException($"no metric column '{name}' (columns: {string.Join(", ", Columns)})");
        return Rows.Select(r => r[i]).ToArray();
    }
}

/// <summary>The run store could not be opened or written (not a database, no permission, ...).</summary>
public sealed class RunStoreException(string message, Exception? inner = null) : IOException(message, inner);
