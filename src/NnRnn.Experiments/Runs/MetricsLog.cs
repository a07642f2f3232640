using System.Globalization;

namespace NnRnn.Experiments.Runs;

/// <summary>A CSV metrics file with a fixed header, one row per update or epoch.</summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter writer;
    private readonly string[] columns;

    private MetricsLog(StreamWriter writer, string[] columns, int rows)
    {
        this.writer = writer;
        this.columns = columns;
        Rows = rows;
    }

    /// <summary>Data rows written so far (header excluded).</summary>
    public int Rows { get; private set; }

    /// <summary>A new file with its header.</summary>
    public static MetricsLog Create(string path, params string[] columns)
    {
        var log = new MetricsLog(new StreamWriter(path, append: false), columns, 0);
        log.writer.WriteLine(string.Join(",", columns));
        log.writer.Flush();
        return log;
    }

    /// <summary>
    /// Keeps the header and the first <paramref name="keep"/> complete rows of an existing file
    /// (rewritten atomically) and appends after them; returns the kept rows.
    /// </summary>
    public static (MetricsLog Log, IReadOnlyList<string[]> Kept) Reopen(string path, string[] columns, int keep)
    {
        var header = string.Join(",", columns);
        var lines = File.Exists(path) ? File.ReadAllText(path).Split('\n') : Array.Empty<string>();
        if (lines.Length > 0 && lines[0].TrimEnd('\r') != header)
            throw new InvalidDataException($"{path}: unexpected header (expected {header})");
        // complete lines only: the last element after Split is what follows the final newline
        var rows = lines.Skip(1).Take(Math.Max(0, lines.Length - 2)).Select(l => l.TrimEnd('\r')).ToList();
        if (rows.Count < keep)
            throw new InvalidDataException($"{path}: has {rows.Count} rows but the checkpoint saw {keep}");
        var kept = rows.Take(keep).ToList();
        var temp = path + ".tmp";
        File.WriteAllLines(temp, new[] { header }.Concat(kept));
        File.Move(temp, path, overwrite: true);
        var log = new MetricsLog(new StreamWriter(path, append: true), columns, keep);
        return (log, kept.Select(r => r.Split(',')).ToList());
    }

    public void Append(params object[] values)
    {
        if (values.Length != columns.Length)
            throw new ArgumentException($"expected {columns.Length} values, got {values.Length}");
        writer.WriteLine(string.Join(",", values.Select(Format)));
        Rows++;
    }

    public void Flush() => writer.Flush();

    public void Dispose() => writer.Dispose();

    /// <summary>Invariant, round-trippable formatting (doubles read back bit for bit).</summary>
    public static string Format(object v) => v switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    public static double ParseDouble(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
