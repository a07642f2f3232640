using System.Globalization;
using System.Text.Json.Nodes;

namespace NnRnn.Tests.Reports;

/// <summary>
/// Run directories for report tests: the copy task trained for a few updates by the CLI, and
/// psMNIST/PTB runs made from the behaviour fixtures (options.json, summary.json and metrics.csv
/// written by the real code) with the net type, seed and chosen numbers replaced.
/// </summary>
internal static class ReportRuns
{
    /// <summary>As run directories write a diverged run's NaN ("NaN").</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Named = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string CopyTask(string root, string net, int seed, int steps = 20)
    {
        var dir = Path.Combine(root, $"copytask-{net}-{seed}");
        var (code, _, err) = TestSupport.RunCli("copytask", "--net-type", net, "--nhid", "8", "--T", "5", "--steps", steps.ToString(CultureInfo.InvariantCulture),
            "--random-seed", seed.ToString(CultureInfo.InvariantCulture), "--out", dir);
        if (code != 0) throw new InvalidOperationException(err);
        return dir;
    }

    /// <summary>A run of <paramref name="task"/> (psmnist or ptb) from its fixture, with <paramref name="summary"/> entries and <paramref name="options"/> replaced.</summary>
    public static string FromFixture(string root, string task, string net, int seed, Dictionary<string, double> summary,
        Dictionary<string, JsonNode>? options = null, string? name = null, bool withSummary = true, Func<int, int, double>? metric = null)
    {
        var fixture = TestSupport.Fixture(Path.Combine("behaviour", task));
        var dir = Path.Combine(root, name ?? $"{task}-{net}-{seed}");
        Directory.CreateDirectory(dir);
        var o = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture, "stopped", "options.json")))!.AsObject();
        o["net-type"] = net;
        o["random-seed"] = seed;
        foreach (var (k, v) in options ?? []) o[k] = v.DeepClone();
        File.WriteAllText(Path.Combine(dir, "options.json"), o.ToJsonString());
        var lines = File.ReadAllLines(Path.Combine(fixture, "metrics.csv"));
        if (metric is not null)   // column c of row r replaced by metric(r, c)
            lines = lines.Select((l, r) => r == 0 ? l : string.Join(",", l.Split(',').Select((v, c) => c == 0 ? v : metric(r, c).ToString("R", CultureInfo.InvariantCulture)))).ToArray();
        File.WriteAllLines(Path.Combine(dir, "metrics.csv"), lines);
        if (!withSummary) return dir;
        var s = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture, "summary.json")))!.AsObject();
        s["net_type"] = net;
        foreach (var (k, v) in summary) s[k] = v;
        File.WriteAllText(Path.Combine(dir, "summary.json"), s.ToJsonString(Named));
        return dir;
    }
}
