using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NnRnn.Analysis.Figures;

namespace NnRnn.Cli;

/// <summary>What every <c>analyze</c> subcommand shares: the output folder, JSON and CSV writing, errors.</summary>
public static class AnalyzeOutput
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly JsonSerializerOptions Compact = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Runs the body like <see cref="CommandLine.Guard"/>; a figure that cannot be drawn (no font) is one line, exit 1.</summary>
    public static int Guard(Func<int> body) => CommandLine.Guard(() =>
    {
        try
        {
            return body();
        }
        catch (FigureException ex)
        {
            Console.Error.WriteLine($"nnrnn: error: {ex.Message}");
            return 1;
        }
    });

    /// <summary>The output folder: <paramref name="requested"/>, else <paramref name="fallback"/>; created when missing.</summary>
    public static string Folder(string? requested, string fallback)
    {
        var dir = requested ?? fallback;
        OutputLocation.CheckWritable(dir, requested is null ? $"--out (default {fallback})" : "--out");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void WriteJson(string path, JsonNode node) => File.WriteAllText(path, node.ToJsonString(Indented) + "\n");

    /// <summary>Prints the one JSON object of <c>--json</c> (compact, one line).</summary>
    public static void PrintJson(JsonNode node) => Console.WriteLine(node.ToJsonString(Compact));

    public static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    public static void WriteCsv(string path, string header, IEnumerable<IEnumerable<object>> rows)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
            text.Append(string.Join(",", row.Select(Cell))).Append('\n');
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>A matrix as CSV (no header), full double precision.</summary>
    public static void WriteMatrixCsv(string path, double[,] m)
        => WriteCsv(path, $"# {m.GetLength(0)}x{m.GetLength(1)}",
            Enumerable.Range(0, m.GetLength(0)).Select(i => Enumerable.Range(0, m.GetLength(1)).Select(j => (object)m[i, j])));

    private static string Cell(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s when s.Contains(',') || s.Contains('"') => "\"" + s.Replace("\"", "\"\"") + "\"",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static string Number(double x) => Math.Abs(x) is >= 1e-3 and < 1e4 or 0
        ? x.ToString("0.####", CultureInfo.InvariantCulture)
        : x.ToString("0.###e+0", CultureInfo.InvariantCulture);
}
