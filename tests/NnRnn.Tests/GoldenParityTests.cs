using System.Text.Json;
using System.Text.Json.Nodes;
using NnRnn.Golden;
using Xunit;

namespace NnRnn.Tests;

/// <summary>Parity with values computed by the original PyTorch code (fixture copied from shared/golden).</summary>
public class GoldenParityTests
{
    [Fact]
    public void Every_golden_case_is_within_the_suggested_tolerances()
    {
        var results = GoldenChecker.CheckFile(TestSupport.Fixture("ref_golden.json"));
        Assert.True(results.Count >= 30, $"only {results.Count} cases");
        var failures = results.Where(r => !r.Passed).Select(r => r.Line()).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Contains(results, r => r.Name.StartsWith("copytask_update_nnRNN"));
        Assert.All(results, r => Assert.NotEmpty(r.Quantities));
    }

    [Fact]
    public void A_held_out_file_with_other_sizes_and_settings_passes()
    {
        // tools/make_heldout_golden.py: float64 NumPy/SciPy values from the file's conventions, other
        // sizes, seeds, activations (RNN relu = none, as the reference), T decay and learning rates.
        var results = GoldenChecker.CheckFile(TestSupport.Fixture("heldout_golden.json"));
        var failures = results.Where(r => !r.Passed).Select(r => r.Line()).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Contains(results, r => r.Name.StartsWith("RNN_relu_is_linear"));
        Assert.Contains(results, r => r.Name == "initializers" && r.Quantities.Count >= 6);
    }

    [Fact]
    public void A_perturbed_reference_value_fails_its_case()
    {
        var doc = JsonNode.Parse(File.ReadAllText(TestSupport.Fixture("ref_golden.json")))!;
        var cell = doc["cells"]!.AsArray().First(c => c!["net_type"]!.GetValue<string>() == "nnRNN")!;
        // The tensor's largest entry, 1e-3 relative: far above float32 rounding, far below a visible bug.
        var rows = cell["grads"]!["UppT"]!["data"]!.AsArray().Select(r => r!.AsArray()).ToList();
        var (row, col) = rows.SelectMany((r, i) => r.Select((v, j) => (i, j, Math.Abs(v!.GetValue<double>()))))
            .OrderByDescending(e => e.Item3).Select(e => (e.i, e.j)).First();
        rows[row][col] = rows[row][col]!.GetValue<double>() * (1 + 1e-3);
        var path = Path.Combine(Path.GetTempPath(), $"golden-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, doc.ToJsonString());
        try
        {
            var results = GoldenChecker.CheckFile(path);
            var failed = results.Where(r => !r.Passed).ToList();
            Assert.NotEmpty(failed);
            Assert.All(failed, r => Assert.StartsWith(cell["name"]!.GetValue<string>() + "[", r.Name));
            Assert.Contains(failed[0].Quantities, q => q.Quantity == "grad.UppT" && !q.Passed);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Cli_golden_passes_on_the_shared_file()
    {
        var (code, stdout, stderr) = TestSupport.RunCli("golden", TestSupport.Fixture("ref_golden.json"));
        Assert.True(code == 0, stdout + stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines.SkipLast(1), l => Assert.StartsWith("PASS ", l));
        Assert.Matches(@"golden: \d+ passed, 0 failed", lines[^1]);
    }
}
