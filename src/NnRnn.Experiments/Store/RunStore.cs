using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace NnRnn.Experiments.Store;

/// <summary>
/// The run store: one SQLite file recording every run (options, code version, host, times, status,
/// metrics rows, final metrics). Many processes write one store at once: WAL journal, a busy timeout
/// and short IMMEDIATE transactions (one per batch of rows), so none loses or corrupts a record.
/// Run directories stay the source of truth (<see cref="RunImport"/> rebuilds records from them).
/// </summary>
public sealed partial class RunStore : IDisposable
{
    /// <summary>The store's file name beside the run directories.</summary>
    public const string DefaultFileName = "runs.db";
    private const int BusySeconds = 60;
    private readonly SqliteConnection connection;

    private RunStore(string path, SqliteConnection connection)
    {
        Path = path;
        this.connection = connection;
    }

    public string Path { get; }

    /// <summary>The default store of a run directory: runs.db in its parent folder.</summary>
    public static string DefaultFor(string runDirectory)
        => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(runDirectory))!, DefaultFileName);

    /// <summary>Opens (creating when absent) the store at <paramref name="path"/>; a file that is not a store throws <see cref="RunStoreException"/>.</summary>
    public static RunStore Open(string path, bool create = true)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new RunStoreException($"--store: '{path}' is a directory, expected a database file");
        if (!create && !File.Exists(full)) throw new RunStoreException($"--store: '{path}' does not exist (no run has been recorded there)");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = BusySeconds,
        }.ToString());
        try
        {
            if (create) Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            connection.Open();
            var store = new RunStore(full, connection);
            store.Execute($"PRAGMA busy_timeout = {BusySeconds * 1000};");
            store.Execute("PRAGMA journal_mode = WAL;");
            store.Execute("PRAGMA synchronous = NORMAL;");
            store.CreateSchema();
            return store;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            connection.Dispose();
            throw new RunStoreException($"--store: cannot use '{path}' as a run store ({Reason(e)})", e);
        }
    }

    private static string Reason(Exception e) => e is SqliteException s ? s.Message.Replace("SQLite Error " + s.SqliteErrorCode + ": ", "").Trim('\'', ' ', '.') : e.Message;

    private void CreateSchema()
    {
        using var tx = connection.BeginTransaction();
        Execute("""
            CREATE TABLE IF NOT EXISTS runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                directory TEXT NOT NULL UNIQUE,
                task TEXT NOT NULL,
                net_type TEXT NOT NULL,
                preset TEXT,
                seed INTEGER,
                sweep TEXT,
                options TEXT NOT NULL,
                code_version TEXT,
                host TEXT,
                pid INTEGER,
                started TEXT,
                ended TEXT,
                status TEXT NOT NULL,
                metric_columns TEXT,
                summary TEXT);
            CREATE TABLE IF NOT EXISTS metrics (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                row_values TEXT NOT NULL,
                PRIMARY KEY (run_id, position));
            CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs(sweep);
            """, tx);
        tx.Commit();
    }

    /// <summary>
    /// Records a run starting (or resuming: the same directory keeps its id and metrics): status
    /// running, this process's host and pid. Returns the run's id.
    /// </summary>
    public long Begin(RunRecord run)
    {
        using var tx = connection.BeginTransaction();
        var id = Upsert(run, RunStatuses.Running, tx);
        tx.Commit();
        return id;
    }

    private long Upsert(RunRecord run, string status, SqliteTransaction tx)
    {
        using var command = Command("""
            INSERT INTO runs (directory, task, net_type, preset, seed, sweep, options, code_version, host, pid, started, status, metric_columns)
            VALUES ($directory, $task, $net, $preset, $seed, $sweep, $options, $code, $host, $pid, $started, $status, $columns)
            ON CONFLICT(directory) DO UPDATE SET task = excluded.task, net_type = excluded.net_type, preset = excluded.preset,
                seed = excluded.seed, sweep = COALESCE(excluded.sweep, runs.sweep), options = excluded.options,
                code_version = COALESCE(excluded.code_version, runs.code_version), host = COALESCE(excluded.host, runs.host), pid = COALESCE(excluded.pid, runs.pid),
                started = COALESCE(runs.started, excluded.started), status = excluded.status, ended = NULL,
                metric_columns = COALESCE(NULLIF(excluded.metric_columns, ''), runs.metric_columns)
            RETURNING id;
            """, tx);
        command.Parameters.AddWithValue("$directory", System.IO.Path.GetFullPath(run.Directory));
        command.Parameters.AddWithValue("$task", run.Task);
        command.Parameters.AddWithValue("$net", run.NetType);
        command.Parameters.AddWithValue("$preset", (object?)run.Preset ?? DBNull.Value);
        command.Parameters.AddWithValue("$seed", (object?)run.Seed ?? DBNull.Value);
        command.Parameters.AddWithValue("$sweep", (object?)run.Sweep ?? DBNull.Value);
        command.Parameters.AddWithValue("$options", run.Options);
        command.Parameters.AddWithValue("$code", (object?)run.CodeVersion ?? DBNull.Value);
        command.Parameters.AddWithValue("$host", (object?)run.Host ?? DBNull.Value);
        command.Parameters.AddWithValue("$pid", (object?)run.Pid ?? DBNull.Value);
        command.Parameters.AddWithValue("$started", Time(run.Started));
        command.Parameters.AddWithValue("$status", status);
        command.Parameters.AddWithValue("$columns", string.Join(",", run.MetricColumns));
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Adds (or replaces, on a resumed run) metrics rows, keyed by their first column (update or epoch), in one transaction.</summary>
    public void AddMetrics(long id, IReadOnlyList<string> columns, IReadOnlyList<string[]> rows)
    {
        if (rows.Count == 0) return;
        using var tx = connection.BeginTransaction();
        WriteMetrics(id, columns, rows, tx);
        tx.Commit();
    }

    /// <summary>Replaces all of a run's metrics rows (a resumed run's metrics.csv, cut back to its checkpoint), in one transaction.</summary>
    public void ReplaceMetrics(long id, IReadOnlyList<string> columns, IReadOnlyList<string[]> rows)
    {
        using var tx = connection.BeginTransaction();
        using (var clear = Command("DELETE FROM metrics WHERE run_id = $id;", tx))
        {
            clear.Parameters.AddWithValue("$id", id);
            clear.ExecuteNonQuery();
        }
        WriteMetrics(id, columns, rows, tx);
        tx.Commit();
    }

    private void WriteMetrics(long id, IReadOnlyList<string> columns, IReadOnlyList<string[]> rows, SqliteTransaction tx)
    {
        if (rows.Count == 0) return;
        using (var head = Command("UPDATE runs SET metric_columns = $columns WHERE id = $id;", tx))
        {
            head.Parameters.AddWithValue("$columns", string.Join(",", columns));
            head.Parameters.AddWithValue("$id", id);
            head.ExecuteNonQuery();
        }
        using var command = Command("INSERT OR REPLACE INTO metrics (run_id, position, row_values) VALUES ($id, $position, $values);", tx);
        var position = command.Parameters.Add("$position", SqliteType.Integer);
        var values = command.Parameters.Add("$values", SqliteType.Text);
        command.Parameters.AddWithValue("$id", id);
        foreach (var row in rows)
        {
            position.Value = long.Parse(row[0], CultureInfo.InvariantCulture);
            values.Value = string.Join(",", row);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Records how a run ended: its status and, when it wrote one, its summary.json.</summary>
    public void End(long id, string status, string? summary, DateTimeOffset ended)
    {
        using var tx = connection.BeginTransaction();
        using var command = Command("UPDATE runs SET status = $status, ended = $ended, summary = COALESCE($summary, summary) WHERE id = $id;", tx);
        command.Parameters.AddWithValue("$status", status);
        command.Parameters.AddWithValue("$ended", Time(ended));
        command.Parameters.AddWithValue("$summary", (object?)summary ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
        tx.Commit();
    }

    /// <summary>Inserts or replaces a whole record (status, end, summary, rows) in one transaction: what an import writes.</summary>
    public long Put(RunRecord run, string status, DateTimeOffset? ended, string? summary, IReadOnlyList<string[]> rows)
    {
        long id;
        using (var tx = connection.BeginTransaction())
        {
            id = Upsert(run, status, tx);
            using var command = Command("UPDATE runs SET ended = $ended, summary = $summary WHERE id = $id;", tx);
            command.Parameters.AddWithValue("$ended", ended is { } e ? Time(e) : DBNull.Value);
            command.Parameters.AddWithValue("$summary", (object?)summary ?? DBNull.Value);
            command.Parameters.AddWithValue("$id", id);
            command.ExecuteNonQuery();
            tx.Commit();
        }
        ReplaceMetrics(id, run.MetricColumns, rows);
        return id;
    }

    /// <summary>
    /// Marks as interrupted every run recorded as running whose process died (see <see cref="Liveness"/>).
    /// Called before every query, so no dead run is ever listed as running. Returns how many were marked.
    /// </summary>
    public int DetectInterrupted()
    {
        var running = new List<(long Id, string Directory, string? Host, int? Pid)>();
        using (var command = Command("SELECT id, directory, host, pid FROM runs WHERE status = 'running';"))
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                running.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt32(3)));
        int marked = 0;
        foreach (var run in running.Where(r => !Liveness.IsAlive(r.Directory, r.Host, r.Pid)))
        {
            using var tx = connection.BeginTransaction();
            using var update = Command("UPDATE runs SET status = 'interrupted', ended = COALESCE(ended, $now) WHERE id = $id AND status = 'running' AND pid IS $pid;", tx);
            update.Parameters.AddWithValue("$now", Time(DateTimeOffset.UtcNow));
            update.Parameters.AddWithValue("$id", run.Id);
            update.Parameters.AddWithValue("$pid", (object?)run.Pid ?? DBNull.Value);
            marked += update.ExecuteNonQuery();
            tx.Commit();
        }
        return marked;
    }

    internal static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        return command;
    }

    private void Execute(string sql, SqliteTransaction? tx = null)
    {
        using var command = Command(sql, tx);
        command.ExecuteNonQuery();
    }

    public void Dispose() => connection.Dispose();
}

/// <summary>What the store records when a run starts.</summary>
public sealed record RunRecord(string Directory, string Task, string NetType, string? Preset, int? Seed, string? Sweep, string Options,
    string? CodeVersion, string? Host, int? Pid, DateTimeOffset Started, IReadOnlyList<string> MetricColumns);
