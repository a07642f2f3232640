using System.Text.Json;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>Reads the golden file's tensor encoding: {shape, dtype, data} with data a nested row-major list.</summary>
public static class GoldenTensor
{
    /// <summary>Where the checks run (<c>golden --device</c>): reference tensors and our models are placed there; comparisons happen on the CPU.</summary>
    public static Device Device { get; set; } = CPU;

    /// <summary>A tensor read on the CPU, on <see cref="Device"/>.</summary>
    internal static Tensor Placed(Tensor t) => NnRnn.Experiments.Training.DevicePlacement.Tensor(t, Device);

    public static bool IsTensor(JsonElement e)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("data", out _) && e.TryGetProperty("shape", out _);

    /// <summary>The tensor in its stored dtype (float32, float64 or int64), or in <paramref name="as"/>.</summary>
    public static Tensor Read(JsonElement e, ScalarType? @as = null)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var dtypeName = e.TryGetProperty("dtype", out var dt) ? dt.GetString() : "float32";
        var values = new List<double>();
        Flatten(e.GetProperty("data"), values);
        ScalarType stored = dtypeName switch
        {
            "float64" => ScalarType.Float64,
            "int64" => ScalarType.Int64,
            "float32" => ScalarType.Float32,
            _ => throw new FormatException($"unsupported dtype '{dtypeName}'"),
        };
        Tensor t = stored == ScalarType.Int64
            ? tensor(values.Select(v => (long)v).ToArray(), shape)
            : tensor(values.ToArray(), shape).to_type(stored);
        return Placed(@as is { } target && target != stored ? t.to_type(target) : t);
    }

    /// <summary>Reads a member that is a tensor, or returns null when it is missing or JSON null.</summary>
    public static Tensor? ReadOptional(JsonElement parent, string name, ScalarType? @as = null)
        => parent.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? Read(e, @as) : null;

    /// <summary>How many numbers (or "nan"/"inf" strings) a nested data list holds; -1 for anything else.</summary>
    public static long Count(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
            case JsonValueKind.String:
                return 1;
            case JsonValueKind.Array:
                long n = 0;
                foreach (var item in e.EnumerateArray())
                {
                    long c = Count(item);
                    if (c < 0) return -1;
                    n += c;
                }
                return n;
            default:
                return -1;
        }
    }

    private static void Flatten(JsonElement e, List<double> into)
    {
        if (e.ValueKind == JsonValueKind.Array)
            foreach (var item in e.EnumerateArray()) Flatten(item, into);
        else if (e.ValueKind == JsonValueKind.Number)
            into.Add(e.GetDouble());
        else if (e.ValueKind == JsonValueKind.String)
            into.Add(double.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)); // "nan", "inf"
        else
            throw new FormatException($"unexpected JSON value {e.ValueKind} in tensor data");
    }
}
