using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NnRnn.Experiments.Runs;

namespace NnRnn.Experiments.Store;

/// <summary>
/// Rebuilds a store record from a run directory (options.json, metrics.csv, summary.json), the
/// source of truth. Importing twice replaces the record (keyed by the absolute directory), never
/// duplicates it.
/// </summary>
public static class RunImport
{
    /// <summary>Imports <paramref name="directory"/>; a folder that is not a run directory throws <see cref="ArgumentException"/> naming it.</summary>
    public static long Import(RunStore store, string directory, string? sweep = null)
    {
        var full = Path.GetFullPath(directory);
        var optionsFile = Path.Combine(full, RunSession.OptionsFile);
        if (!Directory.Exists(full)) throw new ArgumentException($"runs import: '{directory}' is not a directory");
        if (!File.Exists(optionsFile)) throw new ArgumentException($"runs import: '{directory}' is not a run directory (no {RunSession.OptionsFile})");
        JsonObject options;
        try
        {
            options = JsonNode.Parse(File.ReadAllText(optionsFile)) as JsonObject
                ?? throw new ArgumentException($"runs import: {optionsFile}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"runs import: {optionsFile}: not valid JSON ({e.Message.Split('\n')[0].Trim()})");
        }
        var task = Text(options, RunSession.TaskKey) ?? RunKinds.Infer(options)
            ?? throw new ArgumentException($"runs import: {optionsFile}: does not say which task it ran");
        var net = Text(options, "net-type") ?? "nnRNN";
        int? seed = options["random-seed"] is JsonValue s && s.TryGetValue<int>(out var k) ? k : null;

        var summaryFile = Path.Combine(full, RunSession.SummaryFile);
        string? summary = File.Exists(summaryFile) ? File.ReadAllText(summaryFile) : null;
        string status = summary is not null
            ? RunSession.EndStatus(full) == "diverged" ? RunStatuses.Diverged : RunStatuses.Finished
            : Liveness.IsAlive(full, null, null) ? RunStatuses.Running : RunStatuses.Interrupted;
        var (columns, rows) = ReadMetrics(Path.Combine(full, "metrics.csv"));
        var record = new RunRecord(full, task, net, Text(options, "preset"), seed, sweep, options.ToJsonString(RunDirectory.Json), null, null, null,
            File.GetLastWriteTimeUtc(optionsFile), columns);
        DateTimeOffset? ended = summary is not null ? File.GetLastWriteTimeUtc(summaryFile) : status == RunStatuses.Interrupted ? DateTimeOffset.UtcNow : null;
        return store.Put(record, status, ended, summary, rows);
    }

    private static string? Text(JsonObject json, string key) => json[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>metrics.csv's header and complete rows (a row half-written by a kill is left out).</summary>
    internal static (string[] Columns, List<string[]> Rows) ReadMetrics(string path)
    {
        if (!File.Exists(path)) return ([], []);
        var lines = File.ReadAllText(path).Split('\n');
        if (lines.Length < 2) return ([], []);
        var columns = lines[0].TrimEnd('\r').Split(',');
        var rows = new List<string[]>();
        foreach (var line in lines.Skip(1).SkipLast(1))   // the last element follows the final newline: incomplete or empty
        {
            var row = line.TrimEnd('\r').Split(',');
            if (row.Length == columns.Length && long.TryParse(row[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) rows.Add(row);
        }
        return (columns, rows);
    }
}
