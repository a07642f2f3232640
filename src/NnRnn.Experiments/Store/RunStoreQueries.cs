using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using NnRnn.Experiments.Runs;

namespace NnRnn.Experiments.Store;

/// <summary>Reading the store: what <c>nnrnn runs</c> and the report builder ask.</summary>
public sealed partial class RunStore
{
    private const string RunColumns = "id, directory, task, net_type, preset, seed, sweep, status, options, code_version, host, pid, started, ended, summary";

    /// <summary>The runs matching <paramref name="filter"/>, oldest first (dead runs marked interrupted first).</summary>
    public IReadOnlyList<StoredRun> Query(RunFilter? filter = null)
    {
        DetectInterrupted();
        filter ??= new();
        using var command = Command($"""
            SELECT {RunColumns} FROM runs
            WHERE ($task IS NULL OR task = $task) AND ($net IS NULL OR lower(net_type) = lower($net))
              AND ($status IS NULL OR status = $status) AND ($sweep IS NULL OR sweep = $sweep)
            ORDER BY id;
            """);
        command.Parameters.AddWithValue("$task", (object?)filter.Task ?? DBNull.Value);
        command.Parameters.AddWithValue("$net", (object?)filter.NetType ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", (object?)filter.Status ?? DBNull.Value);
        command.Parameters.AddWithValue("$sweep", (object?)filter.Sweep ?? DBNull.Value);
        return Read(command);
    }

    /// <summary>One run by id, or null.</summary>
    public StoredRun? Find(long id)
    {
        DetectInterrupted();
        using var command = Command($"SELECT {RunColumns} FROM runs WHERE id = $id;");
        command.Parameters.AddWithValue("$id", id);
        return Read(command).FirstOrDefault();
    }

    /// <summary>The run recorded for a run directory, or null.</summary>
    public StoredRun? FindByDirectory(string directory)
    {
        using var command = Command($"SELECT {RunColumns} FROM runs WHERE directory = $directory;");
        command.Parameters.AddWithValue("$directory", System.IO.Path.GetFullPath(directory));
        return Read(command).FirstOrDefault();
    }

    /// <summary>A run's metrics rows (as metrics.csv has them), in order of update or epoch.</summary>
    public MetricSeries Metrics(long id)
    {
        string[] columns;
        using (var head = Command("SELECT metric_columns FROM runs WHERE id = $id;"))
        {
            head.Parameters.AddWithValue("$id", id);
            columns = (head.ExecuteScalar() as string)?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
        }
        var rows = new List<double[]>();
        using var command = Command("SELECT row_values FROM metrics WHERE run_id = $id ORDER BY position;");
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        while (reader.Read()) rows.Add(reader.GetString(0).Split(',').Select(MetricsLog.ParseDouble).ToArray());
        return new MetricSeries(columns, rows);
    }

    /// <summary>How many metrics rows the store holds for a run.</summary>
    public long MetricRowCount(long id)
    {
        using var command = Command("SELECT count(*) FROM metrics WHERE run_id = $id;");
        command.Parameters.AddWithValue("$id", id);
        return (long)command.ExecuteScalar()!;
    }

    private static List<StoredRun> Read(SqliteCommand command)
    {
        var runs = new List<StoredRun>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var summary = Text(14);
            runs.Add(new StoredRun(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Text(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5), Text(6), reader.GetString(7), reader.GetString(8), Text(9), Text(10),
                reader.IsDBNull(11) ? null : reader.GetInt32(11), ParseTime(Text(12)), ParseTime(Text(13)), summary, FinalMetrics(summary)));
        }
        return runs;
    }

    private static DateTimeOffset? ParseTime(string? text)
        => text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>summary.json's top-level numbers (named non-finite literals included).</summary>
    internal static IReadOnlyDictionary<string, double> FinalMetrics(string? summary)
    {
        var final = new Dictionary<string, double>();
        if (summary is null) return final;
        try
        {
            if (JsonNode.Parse(summary) is not JsonObject json) return final;
            foreach (var (key, value) in json)
            {
                if (value is not JsonValue v) continue;
                if (v.TryGetValue<double>(out var d)) final[key] = d;
                else if (v.TryGetValue<string>(out var s) && s is "NaN" or "Infinity" or "-Infinity") final[key] = MetricsLog.ParseDouble(s);
            }
        }
        catch (System.Text.Json.JsonException) { }
        return final;
    }
}
