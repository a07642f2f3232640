using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>An element-wise bound |got − want| ≤ abs + rel·|want| (as the golden file's own checker).</summary>
public sealed record Tolerance(double Abs, double Rel)
{
    /// <summary>Max |got − want| and whether every element is inside the bound (shapes must agree).</summary>
    public (double MaxError, bool Passed) Compare(Tensor got, Tensor want)
    {
        using var scope = NewDisposeScope();
        var g = got.detach().to_type(ScalarType.Float64);
        var w = want.detach().to_type(ScalarType.Float64);
        if (!g.shape.SequenceEqual(w.shape)) return (double.PositiveInfinity, false);
        if (g.numel() == 0) return (0, true);
        var err = (g - w).abs();
        var bound = Abs + Rel * w.abs();
        double max = err.max().item<double>();
        bool ok = err.le(bound).all().item<bool>() && !double.IsNaN(max);
        return (max, ok);
    }

    /// <summary>
    /// Reads "rel 1e-5 / abs 1e-6" style text from <c>tolerances_suggested[key]</c>, falling back to
    /// <paramref name="fallback"/> for a missing key or number.
    /// </summary>
    public static Tolerance FromSuggestion(JsonElement root, string key, Tolerance fallback)
    {
        if (!root.TryGetProperty("tolerances_suggested", out var t) || !t.TryGetProperty(key, out var text)
            || text.ValueKind != JsonValueKind.String)
            return fallback;
        var s = text.GetString()!;
        return new Tolerance(Number(s, "abs") ?? fallback.Abs, Number(s, "rel") ?? fallback.Rel);
    }

    private static double? Number(string text, string word)
    {
        var m = Regex.Match(text, word + @"\s+([0-9.]+(?:[eE][-+]?[0-9]+)?)");
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }
}
