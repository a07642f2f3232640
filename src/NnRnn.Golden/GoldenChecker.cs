using System.Globalization;
using System.Text.Json;
using NnRnn.Cells;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>
/// Checks our implementation against a golden file computed by the original PyTorch code. Three
/// kinds (<see cref="GoldenKind"/>): single cases as <c>ref_golden.json</c> (cell forward passes and
/// gradients on both unroll paths, the orthogonal step on both gradient routes, full copy-task
/// updates, expm and its Fréchet derivative, the initialisers), copy-task trajectories as
/// <c>ref_trajectory.json</c> and PTB trajectories as <c>ref_ptb_trajectory.json</c>. Sizes, seeds,
/// values and tolerances are read from the file.
/// </summary>
public sealed partial class GoldenChecker
{
    private readonly JsonElement root;
    private readonly Tolerance forward;
    private readonly Tolerance orthogonal;
    private readonly Tolerance expm64;

    /// <summary>Validates <paramref name="root"/> (see <see cref="GoldenSchema"/>); <paramref name="file"/> names it in errors.</summary>
    public GoldenChecker(JsonElement root, string file = "golden file")
    {
        this.root = root;
        Kind = GoldenSchema.Validate(root, file);
        if (Kind == GoldenKind.Cases)
        {
            var suggested = root.GetProperty("tolerances_suggested");
            forward = Tolerance.FromSuggestion(suggested, "float32_forward_and_grads", file);
            orthogonal = Tolerance.FromSuggestion(suggested, "orthogonal_step_and_expm_float32", file);
            expm64 = Tolerance.FromSuggestion(suggested, "expm_float64", file);
        }
        else
        {
            forward = orthogonal = expm64 = new Tolerance(0, 0); // trajectories use TrajectoryTolerance
        }
    }

    public GoldenKind Kind { get; }

    /// <summary>
    /// Reads, validates and checks a golden file; one <see cref="CaseResult"/> per case. A file that
    /// cannot be read or is not a golden file throws <see cref="GoldenFileException"/> (one line).
    /// </summary>
    public static List<CaseResult> CheckFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GoldenFileException(path, "cannot be read (" + ex.Message.Split('\n')[0].Trim() + ")");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new GoldenFileException(path, $"not JSON (line {(ex.LineNumber ?? 0) + 1}: {ex.Message.Split('\n')[0].Trim()})");
        }
        using (doc)
            return new GoldenChecker(doc.RootElement, path).CheckAll();
    }

    public List<CaseResult> CheckAll()
    {
        var results = new List<CaseResult>();
        if (Kind == GoldenKind.PtbTrajectories)
        {
            foreach (var t in Items("ptb_trajectories"))
                results.AddRange(CheckPtbTrajectory(t));
            return results;
        }
        if (Kind == GoldenKind.Trajectories)
        {
            foreach (var t in Items("trajectories"))
                results.AddRange(CheckTrajectory(t));
            return results;
        }
        foreach (var c in Items("cells"))
            foreach (var mode in new[] { UnrollMode.Fused, UnrollMode.StepByStep })
                results.Add(Guard($"{Name(c)}[{ModeName(mode)}]", r => CheckCell(c, mode, r)));
        foreach (var u in Items("copytask_update"))
            foreach (var mode in new[] { UnrollMode.Fused, UnrollMode.StepByStep })
                results.Add(Guard($"{Name(u)}[{ModeName(mode)}]", r => CheckUpdate(u, mode, r)));
        foreach (var e in Items("expm"))
            results.Add(Guard($"expm[scale={e.GetProperty("scale").GetDouble().ToString(CultureInfo.InvariantCulture)}]", r => CheckExpm(e, r)));
        if (root.TryGetProperty("initializers", out var init))
            results.Add(Guard("initializers", r => CheckInitializers(init, r)));
        return results;
    }

    private IEnumerable<JsonElement> Items(string key)
        => root.TryGetProperty(key, out var arr) && arr.ValueKind == JsonValueKind.Array ? arr.EnumerateArray() : Enumerable.Empty<JsonElement>();

    private static string Name(JsonElement e) => e.GetProperty("name").GetString()!;

    private static string ModeName(UnrollMode m) => m == UnrollMode.Fused ? "fused" : "steps";

    private static CaseResult Guard(string name, Action<CaseResult> check)
    {
        var result = new CaseResult(name);
        try
        {
            using var scope = NewDisposeScope();
            check(result);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            result.Error = ex.Message.Split('\n')[0];
        }
        if (result.Error is null && result.Quantities.Count == 0) result.Error = "nothing to compare";
        return result;
    }
}
