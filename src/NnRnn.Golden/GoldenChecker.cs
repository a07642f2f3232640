using System.Globalization;
using System.Text.Json;
using NnRnn.Cells;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>
/// Checks our implementation against a golden file of the schema of <c>ref_golden.json</c>
/// (values computed by the original PyTorch code): cell forward passes and gradients on both
/// unroll paths, the orthogonal step on both gradient routes, full copy-task updates, expm and
/// its Fréchet derivative, and the initialisers. Sizes, seeds and values are read from the file.
/// </summary>
public sealed partial class GoldenChecker
{
    private readonly JsonElement root;
    private readonly Tolerance forward;
    private readonly Tolerance orthogonal;
    private readonly Tolerance expm64;

    public GoldenChecker(JsonElement root)
    {
        this.root = root;
        forward = Tolerance.FromSuggestion(root, "float32_forward_and_grads", new(1e-6, 1e-5));
        orthogonal = Tolerance.FromSuggestion(root, "orthogonal_step_and_expm_float32", new(1e-5, 0));
        expm64 = Tolerance.FromSuggestion(root, "expm_float64", new(1e-12, 0));
    }

    /// <summary>Reads and checks a golden file; one <see cref="CaseResult"/> per case.</summary>
    public static List<CaseResult> CheckFile(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new GoldenChecker(doc.RootElement).CheckAll();
    }

    public List<CaseResult> CheckAll()
    {
        var results = new List<CaseResult>();
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
        return result;
    }
}
