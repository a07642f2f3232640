using System.Globalization;

namespace NnRnn.Training;

/// <summary>A CSV metrics file with a fixed header, one row per update or epoch.</summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter writer;
    private readonly string[] columns;

    public MetricsLog(string path, params string[] columns)
    {
        this.columns = columns;
        writer = new StreamWriter(path, append: false) { AutoFlush = false };
        writer.WriteLine(string.Join(",", columns));
    }

    public void Append(params object[] values)
    {
        if (values.Length != columns.Length)
            throw new ArgumentException($"expected {columns.Length} values, got {values.Length}");
        writer.WriteLine(string.Join(",", values.Select(Format)));
    }

    public void Flush() => writer.Flush();

    public void Dispose() => writer.Dispose();

    private static string Format(object v) => v switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
