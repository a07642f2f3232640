using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>
/// A per-tensor bound max|got − want| ≤ abs + rel·max|want|, as the golden file states it: float32
/// rounding in a recurrence grows with the magnitude of the whole tensor, not of each element.
/// </summary>
public sealed record Tolerance(double Abs, double Rel)
{
    /// <summary>The bound for a tensor whose largest reference magnitude is <paramref name="scale"/>.</summary>
    public double Bound(double scale) => Abs + Rel * scale;

    /// <summary>Max |got − want| and whether it is inside the bound (shapes must agree, NaN fails).</summary>
    public (double MaxError, bool Passed) Compare(Tensor got, Tensor want)
    {
        using var scope = NewDisposeScope();
        // on the CPU: either side may live on another device (golden --device)
        var g = got.detach().cpu().to_type(ScalarType.Float64);
        var w = want.detach().cpu().to_type(ScalarType.Float64);
        if (!g.shape.SequenceEqual(w.shape)) return (double.PositiveInfinity, false);
        if (g.numel() == 0) return (0, true);
        double max = (g - w).abs().max().item<double>();
        double scale = w.abs().max().item<double>();
        return (max, max <= Bound(scale)); // NaN compares false
    }

    /// <summary>
    /// Reads "abs 1e-6 + rel 1e-5 * max|want|" style text from <c>tolerances_suggested[key]</c>; a
    /// missing abs or rel is 0. Throws <see cref="GoldenFileException"/> when the key or both numbers are missing.
    /// </summary>
    public static Tolerance FromSuggestion(JsonElement suggested, string key, string file)
    {
        if (!suggested.TryGetProperty(key, out var text) || text.ValueKind != JsonValueKind.String)
            throw new GoldenFileException(file, $"tolerances_suggested.{key} is missing or not a string");
        var s = text.GetString()!;
        double? abs = Number(s, "abs"), rel = Number(s, "rel");
        if (abs is null && rel is null)
            throw new GoldenFileException(file, $"tolerances_suggested.{key} names neither an abs nor a rel number");
        return new Tolerance(abs ?? 0, rel ?? 0);
    }

    private static double? Number(string text, string word)
    {
        var m = Regex.Match(text, @"\b" + word + @"\s+([0-9.]+(?:[eE][-+]?[0-9]+)?)");
        return m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
