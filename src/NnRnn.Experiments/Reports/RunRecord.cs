using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NnRnn.Experiments.Runs;

namespace NnRnn.Experiments.Reports;

/// <summary>
/// One run directory as a report sees it: what options.json says it trained, how it ended
/// (summary.json's status, or <see cref="Unfinished"/> without one) and its metrics.csv columns.
/// </summary>
public sealed record RunRecord(string Directory, string Task, string NetType, int HiddenSize, long? Seed, string? Preset,
    JsonObject Options, string Status, JsonObject? Summary, IReadOnlyDictionary<string, double[]> Metrics)
{
    /// <summary>The status of a run directory without summary.json (still running, killed, or failed).</summary>
    public const string Unfinished = "unfinished";

    public bool IsFinished => Status == "finished";

    /// <summary>A number from summary.json, or null when absent or not a number.</summary>
    public double? SummaryValue(string name)
        => Summary?[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    /// <summary>A number from options.json, or null.</summary>
    public double? OptionValue(string name)
        => Options[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    public bool OptionFlag(string name) => Options[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    /// <summary>Reads a run directory; a missing or malformed options.json is an <see cref="InvalidDataException"/> naming the file.</summary>
    public static RunRecord Read(string directory)
    {
        var optionsFile = Path.Combine(directory, RunSession.OptionsFile);
        var options = ReadObject(optionsFile) ?? throw new InvalidDataException($"{optionsFile}: missing");
        var task = (options[RunSession.TaskKey] as JsonValue)?.GetValue<string>() ?? RunKinds.Infer(options)
            ?? throw new InvalidDataException($"{optionsFile}: names no task");
        var net = (options["net-type"] as JsonValue)?.GetValue<string>() ?? throw new InvalidDataException($"{optionsFile}: no net-type");
        var nhid = options["nhid"] is JsonValue h && h.TryGetValue<int>(out var n) ? n : throw new InvalidDataException($"{optionsFile}: no nhid");
        long? seed = options["random-seed"] is JsonValue s && s.TryGetValue<long>(out var sv) ? sv : null;
        var preset = options["preset"] is JsonValue p && p.TryGetValue<string>(out var pv) ? pv : null;
        var summary = ReadObject(Path.Combine(directory, RunSession.SummaryFile));
        var status = summary is null ? Unfinished : (summary["status"] as JsonValue)?.GetValue<string>() ?? "finished";
        return new RunRecord(directory, task, net, nhid, seed, preset, options, status, summary, ReadMetrics(Path.Combine(directory, "metrics.csv")));
    }

    private static JsonObject? ReadObject(string file)
    {
        if (!File.Exists(file)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(file)) as JsonObject
                ?? throw new InvalidDataException($"{file}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: not JSON ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>metrics.csv by column; complete lines only (a killed run may leave half a line), unparsable cells as NaN.</summary>
    private static IReadOnlyDictionary<string, double[]> ReadMetrics(string file)
    {
        if (!File.Exists(file)) return new Dictionary<string, double[]>();
        var lines = File.ReadAllText(file).Split('\n');
        var header = lines[0].TrimEnd('\r').Split(',');
        var rows = lines.Skip(1).Take(Math.Max(0, lines.Length - 2)).Select(l => l.TrimEnd('\r').Split(','))
            .Where(r => r.Length == header.Length).ToList();
        return header.Select((name, c) => (name, values: rows.Select(r => Parse(r[c])).ToArray()))
            .ToDictionary(x => x.name, x => x.values);
    }

    private static double Parse(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
}
