using System.Text.Json.Nodes;
using NnRnn.Experiments.Reports;
using Xunit;

namespace NnRnn.Tests.Reports;

/// <summary>Grouping, statistics and the runs left out, on PTB and psMNIST run directories made from the fixtures.</summary>
public sealed class ReportBuilderTests : IDisposable
{
    private readonly string root = TestSupport.TempDir();

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private static Dictionary<string, JsonNode> Bptt(int t) => new() { ["bptt"] = t };

    private string Ptb(string net, int seed, double bpc, double accuracy, int bptt = 150, string? name = null, string status = "finished")
    {
        var dir = ReportRuns.FromFixture(root, "ptb", net, seed, new() { ["test_bpc"] = bpc, ["test_accuracy"] = accuracy }, Bptt(bptt), name ?? $"ptb-{net}-{bptt}-{seed}");
        if (status != "finished")
        {
            var file = Path.Combine(dir, "summary.json");
            var s = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            s["status"] = status;
            File.WriteAllText(file, s.ToJsonString(ReportRuns.Named));
        }
        return dir;
    }

    [Fact]
    public void Runs_are_grouped_by_model_and_column_and_seeds_averaged()
    {
        double[] rnn150 = [2.89, 2.91, 2.88], lstm150 = [1.51, 1.55];
        for (int s = 0; s < 3; s++) Ptb("RNN", s + 1, rnn150[s], 0.40 + s * 0.01);
        for (int s = 0; s < 2; s++) Ptb("LSTM", s + 1, lstm150[s], 0.60);
        Ptb("RNN", 1, 2.95, 0.39, bptt: 300);
        var report = ReportBuilder.Build(RunDirectories.Find(root));

        var bpc = report.Tables.Single(t => t.Spec.Metric == "test_bpc");
        Assert.Equal(["T_PTB = 150", "T_PTB = 300"], bpc.Columns);
        Assert.Equal(["RNN", "LSTM"], bpc.Rows.Select(r => r.NetType));   // the seed's order of models
        var rnn = bpc.Cell(new ModelKey("RNN", 8), "T_PTB = 150")!.Value;
        Assert.Equal(rnn150.Average(), rnn.Mean, 1e-12);
        Assert.Equal(MeanSe.Of(rnn150).Se, rnn.Se, 1e-12);
        Assert.Equal(3, rnn.N);
        Assert.Equal(2, bpc.Cell(new ModelKey("LSTM", 8), "T_PTB = 150")!.Value.N);
        Assert.Equal(1, bpc.Cell(new ModelKey("RNN", 8), "T_PTB = 300")!.Value.N);
        Assert.Null(bpc.Cell(new ModelKey("LSTM", 8), "T_PTB = 300"));
        Assert.Equal(390, bpc.Parameters[new ModelKey("RNN", 8)]);   // the fixture's summary.json
        Assert.Equal("390", bpc.ParameterText(new ModelKey("RNN", 8)));
        // accuracies in percent, as the seed's tables
        var accuracy = report.Tables.Single(t => t.Spec.Metric == "test_accuracy");
        Assert.Equal(41.0, accuracy.Cell(new ModelKey("RNN", 8), "T_PTB = 150")!.Value.Mean, 1e-9);
        Assert.Empty(report.Excluded);
        Assert.Empty(report.Notes);
    }

    [Fact]
    public void Diverged_and_unfinished_runs_are_listed_apart_never_averaged()
    {
        Ptb("nnRNN", 1, 1.40, 0.69);
        Ptb("nnRNN", 2, 1.42, 0.70);
        var diverged = Ptb("nnRNN", 3, double.NaN, 0.01, status: "diverged");
        var unfinished = ReportRuns.FromFixture(root, "ptb", "nnRNN", 4, [], Bptt(150), "ptb-unfinished", withSummary: false);
        var broken = Path.Combine(root, "broken");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "options.json"), "{ not json");
        var report = ReportBuilder.Build(RunDirectories.Find(root));

        var cell = report.Tables.Single(t => t.Spec.Metric == "test_bpc").Cell(new ModelKey("nnRNN", 8), "T_PTB = 150")!;
        Assert.Equal(2, cell.Value.N);
        Assert.Equal(1.41, cell.Value.Mean, 1e-12);
        Assert.Equal("diverged", report.Excluded.Single(e => e.Directory == diverged).Status);
        Assert.Equal(RunRecord.Unfinished, report.Excluded.Single(e => e.Directory == unfinished).Status);
        Assert.Contains("options.json", report.Excluded.Single(e => e.Directory == broken).Reason);
        var md = ReportMarkdown.Write(report);
        Assert.Contains("## Runs not averaged", md);
        Assert.Contains($"| {diverged} | diverged |", md);
    }

    [Fact]
    public void A_missing_metric_is_a_note_not_an_error()
    {
        Ptb("EURNN", 1, 1.61, 0.65);
        var dir = Ptb("EURNN", 2, 1.63, 0.66);
        var file = Path.Combine(dir, "summary.json");
        var s = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        s.Remove("test_bpc");
        File.WriteAllText(file, s.ToJsonString(ReportRuns.Named));
        var report = ReportBuilder.Build(RunDirectories.Find(root));

        Assert.Equal(1, report.Tables.Single(t => t.Spec.Metric == "test_bpc").Cell(new ModelKey("EURNN", 8), "T_PTB = 150")!.Value.N);
        Assert.Equal(2, report.Tables.Single(t => t.Spec.Metric == "test_accuracy").Cell(new ModelKey("EURNN", 8), "T_PTB = 150")!.Value.N);
        Assert.Contains(report.Notes, n => n.Contains(dir) && n.Contains("test_bpc"));
        Assert.Contains("## Missing metrics", ReportMarkdown.Write(report));
    }

    [Fact]
    public void Learning_curves_average_the_seeds_at_each_epoch()
    {
        // valid_accuracy (column 4) of seed s at epoch r: 0.1 r + 0.01 s
        for (int s = 1; s <= 3; s++)
        {
            int seed = s;
            ReportRuns.FromFixture(root, "psmnist", "expRNN", seed, new() { ["test_accuracy"] = 0.9 + 0.01 * seed }, metric: (r, c) => 0.1 * r + 0.01 * seed + c);
        }
        var report = ReportBuilder.Build(RunDirectories.Find(root));

        var plot = report.Curves.Single();
        Assert.Equal("permuted", plot.Column);
        var series = plot.Series.Single();
        Assert.Equal([1.0, 2.0], series.X);
        for (int r = 1; r <= 2; r++)
        {
            double[] values = [.. Enumerable.Range(1, 3).Select(s => 100 * (0.1 * r + 0.01 * s + 4))];
            Assert.Equal(values.Average(), series.Mean[r - 1], 1e-9);
            Assert.Equal(MeanSe.Of(values).Se, series.Se[r - 1], 1e-9);
        }
        Assert.Equal(92.0, report.Tables.Single().Cell(new ModelKey("expRNN", 8), "permuted")!.Value.Mean, 1e-9);
    }

    [Fact]
    public void Filters_keep_a_task_and_net_types()
    {
        Ptb("RNN", 1, 2.9, 0.4);
        Ptb("nnRNN", 1, 1.4, 0.7);
        ReportRuns.FromFixture(root, "psmnist", "nnRNN", 1, []);
        var report = ReportBuilder.Build(RunDirectories.Find(root), new ReportFilter("ptb", ["nnrnn"]));
        Assert.All(report.Runs, r => Assert.Equal(("ptb", "nnRNN"), (r.Task, r.NetType)));
        Assert.Single(report.Runs);
    }

    [Fact]
    public void Long_curves_are_averaged_in_consecutive_bins()
    {
        // 900 updates → bins of 3 (at most ReportBuilder.MaxCurvePoints points); loss of update k is k
        var dir = ReportRuns.FromFixture(root, "copytask", "nnRNN", 1, []);
        File.WriteAllLines(Path.Combine(dir, "metrics.csv"),
            new[] { "step,loss,accuracy,ms" }.Concat(Enumerable.Range(1, 900).Select(k => $"{k},{k},0.5,1")));
        var series = ReportBuilder.Build([dir]).Curves.Single().Series.Single();
        Assert.Equal(ReportBuilder.MaxCurvePoints, series.X.Length);
        Assert.Equal([2.0, 5.0], series.X[..2]);      // means of steps 1–3 and 4–6
        Assert.Equal([2.0, 5.0], series.Mean[..2]);
        Assert.Equal(899.0, series.Mean[^1]);
        Assert.All(series.Se, e => Assert.Equal(0, e));   // one run: no band
    }

    [Theory]
    [InlineData(1_322_543, "1.32 M")]
    [InlineData(48_123, "48.1 k")]
    [InlineData(233, "233")]
    public void Parameter_counts_read_as_the_seed_writes_them(long count, string text)
    {
        var model = new ModelKey("nnRNN", 1024);
        var table = new ReportTable(new TableSpec("t", "t", "m", 1, 2), "ptb", [], [model], new Dictionary<(ModelKey, string), TableCell>(),
            new Dictionary<ModelKey, long> { [model] = count });
        Assert.Equal(text, table.ParameterText(model));
        Assert.Equal("–", table.ParameterText(new ModelKey("RNN", 8)));
    }
}
