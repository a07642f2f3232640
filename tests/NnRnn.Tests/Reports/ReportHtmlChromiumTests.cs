using System.Diagnostics;
using System.Text.RegularExpressions;
using NnRnn.Experiments.Reports;
using Xunit;

namespace NnRnn.Tests.Reports;

/// <summary>
/// index.html opened by a real browser (headless Chromium): every figure decodes and every table
/// has its rows. Skipped, saying why, where chromium is not installed (CI installs it).
/// </summary>
public sealed class ReportHtmlChromiumTests : IDisposable
{
    private readonly string root = TestSupport.TempDir();

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [FactRequiresChromium]
    public void Every_figure_loads_and_every_table_has_its_rows()
    {
        var chromium = FactRequiresChromiumAttribute.Path!;
        var runs = Path.Combine(root, "runs");
        for (int seed = 1; seed <= 2; seed++)
        {
            ReportRuns.FromFixture(runs, "ptb", "nnRNN", seed, new() { ["test_bpc"] = 1.4 + seed / 100.0 });
            ReportRuns.FromFixture(runs, "psmnist", "LSTM", seed, new() { ["test_accuracy"] = 0.9 });
            ReportRuns.FromFixture(runs, "psmnist", "RNN", seed, new() { ["test_accuracy"] = 0.8 });
        }
        var report = ReportBuilder.Build(RunDirectories.Find(runs));
        var outDir = Path.Combine(root, "report");
        NnRnn.Experiments.Reports.ReportWriter.Write(report, outDir, NnRnn.Cli.ReportCommand.Draw);

        // The page is the report plus a probe that writes what the browser decoded into the DOM.
        var html = File.ReadAllText(Path.Combine(outDir, "index.html"));
        const string probe = "<script>window.addEventListener('load',()=>{const imgs=[...document.images];" +
            "const rows=[...document.querySelectorAll('table.results')].map(t=>t.rows.length-1).join(' ');" +
            "const p=document.createElement('pre');p.id='probe';p.textContent='images '+imgs.length+' decoded '+" +
            "imgs.filter(i=>i.complete&&i.naturalWidth>0).length+' rows '+rows;document.body.appendChild(p);});</script>";
        var page = Path.Combine(root, "probe.html");
        File.WriteAllText(page, html.Replace("</body>", probe + "</body>"));

        var psi = new ProcessStartInfo(chromium);
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + Path.Combine(root, "profile"),
                     "--virtual-time-budget=5000", "--dump-dom", new Uri(page).AbsoluteUri })
            psi.ArgumentList.Add(a);
        var (_, dom, err) = ChildProcess.Run(psi);

        var m = Regex.Match(dom, @"images (\d+) decoded (\d+) rows ([\d ]*)</pre>");
        Assert.True(m.Success, $"the probe did not run; chromium said: {err[..Math.Min(err.Length, 500)]}");
        Assert.Equal(report.Curves.Count, int.Parse(m.Groups[1].Value));
        Assert.Equal(report.Curves.Count, int.Parse(m.Groups[2].Value));
        Assert.Equal(string.Join(" ", report.Tables.Select(t => t.Rows.Count)), m.Groups[3].Value);
        Assert.Equal([1, 1, 2], report.Tables.Select(t => t.Rows.Count).Order());   // PTB BPC, PTB accuracy, psMNIST
    }
}
