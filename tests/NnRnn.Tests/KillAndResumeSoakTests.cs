using System.Diagnostics;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace NnRnn.Tests;

/// <summary>
/// Kill-and-resume soak (issue 7 item 8): a real <c>nnrnn</c> process is SIGKILLed at random moments
/// — during startup, between updates, and inside checkpoint writes (the test hook pauses every write
/// halfway and between its renames) — and started again (--resume, or --out when the kill came
/// before options.json existed) until the run ends. Its metrics and summary must equal an
/// uninterrupted run's, timing aside.
/// </summary>
public sealed class KillAndResumeSoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private static CopyTaskOptions Options => new()
    {
        NetType = NnRnn.Cells.NetType.NnRnn, HiddenSize = 8, Delay = 5, CopyLength = 2, Batch = 4, Steps = 240,
        LearningRate = 1e-2, OrthogonalLearningRate = 1e-3,
    };

    private static readonly string[] Arguments = ["copytask", "--nhid", "8", "--T", "5", "--c-length", "2", "--batch", "4", "--steps", "240",
        "--lr", "0.01", "--lr_orth", "0.001", "--checkpoint-every", "4"];

    [Fact]
    public void Killed_at_random_moments_and_resumed_the_run_ends_as_an_uninterrupted_one()
    {
        var whole = temp.File("whole");
        Trainer.Run(Options, whole);
        // how long an uninterrupted child run takes on this machine (startup included): kills are drawn
        // within it, so they land whether the machine is idle or busy
        var timed = Stopwatch.StartNew();
        using (var probe = Start([.. Arguments, "--out", temp.File("timed")]))
        {
            var (code, _, err) = probe.Finish();
            Assert.True(code == 0, err);
        }
        int span = Math.Max(200, (int)(timed.ElapsedMilliseconds / 3));   // a third of a run: most kills land before the end
        var dir = temp.File("killed");
        var random = new Random(7);
        var budget = Stopwatch.StartNew();
        int kills = 0, starts = 0;
        var how = new List<string>();
        while (!File.Exists(Path.Combine(dir, RunSession.SummaryFile)))
        {
            Assert.True(starts < 60, "the run never finished");
            bool resume = File.Exists(Path.Combine(dir, RunSession.OptionsFile));
            string[] args = resume ? ["copytask", "--resume", dir] : [.. Arguments, "--out", dir];
            using var process = Start(args);
            starts++;
            // kill while time remains: anywhere from startup to well into training
            if (budget.Elapsed < TimeSpan.FromSeconds(35) && kills < 8)
            {
                int delay = random.Next(0, span);
                if (!process.WaitForExit(delay))
                {
                    process.Kill();   // SIGKILL
                    kills++;
                    how.Add($"{(resume ? "resume" : "start")} killed after {delay} ms: {string.Join(' ', Directory.Exists(dir) ? Directory.GetFiles(dir).Select(Path.GetFileName) : [])}");
                    continue;
                }
            }
            var (exit, _, error) = process.Finish();
            Assert.True(exit == 0, $"exit {exit}: {error}");
        }
        foreach (var line in how) output.WriteLine(line);
        output.WriteLine($"{kills} kills, {starts} starts, {budget.Elapsed.TotalSeconds:F1} s (an uninterrupted run: {timed.ElapsedMilliseconds} ms)");
        Assert.True(kills >= 5, $"only {kills} kills landed");
        Assert.Equal(Rows(whole), Rows(dir));
        Assert.Equal(Summary(whole), Summary(dir));
    }

    private static ChildProcess Start(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet");
        psi.ArgumentList.Add(TestSupport.CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment[CheckpointFiles.PauseVariable] = "15";
        return ChildProcess.Start(psi);
    }

    private static string[] Rows(string dir)
        => File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Select(l => l[..l.LastIndexOf(',')]).ToArray();

    private static string Summary(string dir)
        => string.Join("\n", File.ReadAllLines(Path.Combine(dir, "summary.json")).Where(l => !l.Contains("\"seconds\"")));
}
