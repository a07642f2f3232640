using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace NnRnn.Tests.Reports;

/// <summary><c>nnrnn report</c> on copy-task runs trained by the CLI: the files, and their numbers against the runs' summaries.</summary>
public sealed class ReportCliTests : IClassFixture<ReportCliTests.CopyRuns>
{
    /// <summary>RNN and nnRNN × 2 seeds, 20 updates each, trained once for the class; and the report written from them.</summary>
    public sealed class CopyRuns : IDisposable
    {
        public string Root { get; } = TestSupport.TempDir();
        public string Out => Path.Combine(Root, "report");
        public string Runs => Path.Combine(Root, "sweep");
        public (int Code, string Out, string Err) Result { get; }

        public CopyRuns()
        {
            foreach (var net in new[] { "RNN", "nnRNN" })
                for (int seed = 1; seed <= 2; seed++)
                    ReportRuns.CopyTask(Path.Combine(Runs, net), net, seed);
            Result = TestSupport.RunCli("report", "--runs", Runs, "--out", Out);
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    private readonly CopyRuns runs;

    public ReportCliTests(CopyRuns runs) => this.runs = runs;

    private JsonNode Summary(string net, int seed)
        => JsonNode.Parse(File.ReadAllText(Path.Combine(runs.Runs, net, $"copytask-{net}-{seed}", "summary.json")))!;

    private double FinalLoss(string net, int seed) => Summary(net, seed)["final_loss"]!.GetValue<double>();

    [Fact]
    public void Writes_markdown_csv_figure_and_html()
    {
        Assert.True(runs.Result.Code == 0, runs.Result.Err);
        foreach (var file in new[] { "report.md", "copytask-final-loss.csv", "copytask-loss-T-5.png", "index.html" })
            Assert.True(File.Exists(Path.Combine(runs.Out, file)), $"{file} missing");
        var png = File.ReadAllBytes(Path.Combine(runs.Out, "copytask-loss-T-5.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var html = File.ReadAllText(Path.Combine(runs.Out, "index.html"));
        Assert.Contains("src=\"data:image/png;base64," + Convert.ToBase64String(png) + "\"", html);
        Assert.DoesNotContain("src=\"http", html);
    }

    [Fact]
    public void Csv_and_markdown_hold_the_mean_and_standard_error_of_the_runs()
    {
        Assert.True(runs.Result.Code == 0, runs.Result.Err);
        var lines = File.ReadAllLines(Path.Combine(runs.Out, "copytask-final-loss.csv"));
        Assert.Equal("task,model,net_type,nhid,parameters,column,metric,mean,se,n", lines[0]);
        Assert.Equal(3, lines.Length);
        var md = File.ReadAllText(Path.Combine(runs.Out, "report.md"));
        foreach (var (net, line) in new[] { ("RNN", lines[1]), ("nnRNN", lines[2]) })
        {
            double a = FinalLoss(net, 1), b = FinalLoss(net, 2);
            double mean = (a + b) / 2, se = Math.Abs(a - b) / 2;   // two replicates: s = |a − b| / √2, SE = s / √2
            var cells = line.Split(',');
            var parameters = Summary(net, 1)["parameters"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture);
            Assert.Equal(["copytask", $"{net} (N=8)", net, "8", parameters, "T = 5", "final_loss"], cells[..7]);
            Assert.Equal(mean, double.Parse(cells[7], CultureInfo.InvariantCulture), 1e-12 * Math.Max(1, mean));
            Assert.Equal(se, double.Parse(cells[8], CultureInfo.InvariantCulture), 1e-12 * Math.Max(1, se));
            Assert.Equal("2", cells[9]);
            Assert.Contains($"| {net} (N=8) | {parameters} | {mean.ToString("F4", CultureInfo.InvariantCulture)} ± ", md);
        }
    }

    [Fact]
    public void Bad_input_is_one_line_and_exit_code_2()
    {
        var (code, _, err) = TestSupport.RunCli("report", "--runs", Path.Combine(runs.Root, "nowhere"), "--out", Path.Combine(runs.Root, "r2"));
        Assert.Equal(2, code);
        Assert.Contains("--runs", err);
        Assert.Single(err.Trim().Split('\n'));
        (code, _, err) = TestSupport.RunCli("report", "--runs", runs.Runs, "--task", "chess", "--out", Path.Combine(runs.Root, "r3"));
        Assert.Equal(2, code);
        Assert.Contains("--task", err);
        (code, _, err) = TestSupport.RunCli("report", "--runs", runs.Runs, "--net-type", "LSTM", "--out", Path.Combine(runs.Root, "r4"));
        Assert.Equal(2, code);
        Assert.Contains("no run directories", err);
    }
}
