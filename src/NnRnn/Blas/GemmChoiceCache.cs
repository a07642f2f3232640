using System.Text.Json;

namespace NnRnn.Blas;

/// <summary>
/// Which library each product shape uses (and whether a recurrence's step products keep their weights
/// resident per core), kept per machine (CPU model) in a JSON file:
/// <c>$NNRNN_GEMM_CACHE</c>, else <c>$XDG_CACHE_HOME/nnrnn/gemm-choices.json</c>, else
/// <c>~/.cache/nnrnn/gemm-choices.json</c>. Two libraries round differently, so a choice timed anew in
/// each process would make the same seed give different numbers from one process to the next (and a
/// resumed run drift from an uninterrupted one); measured once and remembered, it does not.
/// An unreadable or unwritable file only means the choice is measured again (never an error).
/// </summary>
internal static class GemmChoiceCache
{
    private static readonly object Gate = new();

    public static GemmBackend GetOrMeasure((long M, long N, long K, bool Ta, bool Tb, int Threads) shape, Func<GemmBackend> measure)
    {
        // "m2": the paired-ratio measurement; choices timed by the earlier protocol (each library's
        // best time, easily skewed by other work) are measured again.
        string key = $"m2|{Cpu()}|{shape.M}x{shape.K}x{shape.N}|{(shape.Ta ? 'T' : 'N')}{(shape.Tb ? 'T' : 'N')}|{shape.Threads}";
        var choice = GetOrMeasure(key, known => Enum.TryParse<GemmBackend>(known, out var backend) && backend != GemmBackend.Auto,
            () => measure().ToString());
        return Enum.Parse<GemmBackend>(choice);
    }

    /// <summary>
    /// Whether step products of this shape run with the weights resident per core
    /// (<see cref="ResidentWeights"/>) rather than through <see cref="Gemm"/>: measured once per machine, as the library choice.
    /// </summary>
    public static bool GetOrMeasureResident((long M, long K, long N, int Threads) shape, Func<bool> measure)
    {
        string key = $"r1|{Cpu()}|{shape.M}x{shape.K}x{shape.N}|{shape.Threads}";
        return bool.Parse(GetOrMeasure(key, known => bool.TryParse(known, out _), () => measure().ToString()));
    }

    private static string GetOrMeasure(string key, Func<string, bool> valid, Func<string> measure)
    {
        lock (Gate)
        {
            var choices = Read();
            if (choices.TryGetValue(key, out var known) && valid(known)) return known;
            var measured = measure();
            choices[key] = measured;
            Write(choices);
            return measured;
        }
    }

    /// <summary>The cache file's path.</summary>
    public static string Path => Environment.GetEnvironmentVariable("NNRNN_GEMM_CACHE") is { Length: > 0 } file ? file
        : System.IO.Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "nnrnn", "gemm-choices.json");

    private static Dictionary<string, string> Read()
    {
        try { return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path)) ?? new(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException) { return new(); }
    }

    private static void Write(Dictionary<string, string> choices)
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var temp = $"{Path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(choices, new JsonSerializerOptions { WriteIndented = true }));
            File.Move(temp, Path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static string? cpu;

    private static string Cpu() => cpu ??= File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
        : "unknown";
}
