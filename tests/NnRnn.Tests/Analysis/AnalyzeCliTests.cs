using System.Text.Json;
using Xunit;

namespace NnRnn.Tests.Analysis;

public class AnalyzeCliTests
{
    private static string TrainTinyRun(string net)
    {
        var dir = TestSupport.TempDir();
        var (code, _, err) = TestSupport.RunCli("copytask", "--net-type", net, "--steps", "3", "--nhid", "8", "--T", "10", "--out", dir);
        Assert.True(code == 0, err);
        return dir;
    }

    [Fact]
    public void MatrixWritesFiguresAndNumbersForAnNnRnnRun()
    {
        var run = TrainTinyRun("nnRNN");
        var (code, stdout, err) = TestSupport.RunCli("analyze", "matrix", run, "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("nnRNN", root.GetProperty("net_type").GetString());
        Assert.Equal(8, root.GetProperty("eigenvalues").GetProperty("re").GetArrayLength());
        Assert.True(root.GetProperty("schur_relative_error").GetDouble() < 1e-12);
        Assert.InRange(root.GetProperty("henrici_ratio").GetDouble(), 0, 1);
        Assert.Equal(4, root.GetProperty("factors").GetProperty("gamma").GetArrayLength());
        foreach (var f in new[] { "eigenvalues.png", "schur.png", "factors.png", "angles.png", "matrix.json", "eigenvalues.csv", "schur_S.csv" })
            Assert.True(new FileInfo(Path.Combine(run, "analysis", f)).Length > 100, f);
    }

    [Fact]
    public void FisherJsonReproducesThePapersDelayLine()
    {
        var outDir = TestSupport.TempDir();
        var (code, stdout, err) = TestSupport.RunCli("analyze", "fisher", "--N", "100", "--delay", "1", "--horizon", "150", "--out", outDir, "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(5.19, doc.RootElement.GetProperty("j_total").GetDouble(), 2);
        Assert.Equal(150, doc.RootElement.GetProperty("j").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(outDir, "fisher.png")));
    }

    [Fact]
    public void CompareAndTransientsWorkOnTwoRuns()
    {
        var nn = TrainTinyRun("nnRNN");
        var exp = TrainTinyRun("expRNN");
        var outDir = TestSupport.TempDir();
        var (code, stdout, err) = TestSupport.RunCli("analyze", "compare", nn, exp, "--out", outDir);
        Assert.True(code == 0, err);
        Assert.Contains("| Henrici / ‖W‖_F |", stdout);
        Assert.True(File.Exists(Path.Combine(outDir, "compare.png")));
        (code, _, err) = TestSupport.RunCli("analyze", "transients", nn, exp, "--steps", "20", "--samples", "50", "--out", outDir);
        Assert.True(code == 0, err);
        var csv = File.ReadAllLines(Path.Combine(outDir, "transients.csv"));
        Assert.Equal(1 + 2 * 21, csv.Length);
    }

    [Fact]
    public void BadInputIsOneLineWithExitCode2()
    {
        var missing = Path.Combine(TestSupport.TempDir(), "nope");
        foreach (var args in new[]
                 {
                     new[] { "analyze", "matrix", missing },
                     new[] { "analyze", "fisher", "--horizon", "0" },
                     new[] { "analyze", "transients", "--N", "0" },
                 })
        {
            var (code, _, err) = TestSupport.RunCli(args);
            Assert.Equal(2, code);
            Assert.Single(err.Trim().Split('\n'));
            Assert.StartsWith("nnrnn: error:", err);
        }
        var eurnn = TrainTinyRun("EURNN");
        var (c2, _, e2) = TestSupport.RunCli("analyze", "matrix", eurnn);
        Assert.Equal(2, c2);
        Assert.Contains("complex", e2);
    }
}
