using NnRnn.Optim;
using NnRnn.Nonlinearities;
using NnRnn.Cells;
using System.Diagnostics;
using NnRnn.Experiments.Training;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Models;
using Xunit;

namespace NnRnn.Tests;

/// <summary>Interrupted runs resumed from their last checkpoint end exactly as uninterrupted ones.</summary>
public class ResumeTests
{
    private static string[] Metrics(string dir, int timingColumn)
        => File.ReadAllLines(Path.Combine(dir, "metrics.csv"))
            .Select(l => string.Join(",", l.Split(',').Where((_, i) => i != timingColumn))).ToArray();

    private static string Summary(string dir)
        => string.Join("\n", File.ReadAllLines(Path.Combine(dir, "summary.json")).Where(l => !l.Contains("\"seconds\"")));

    public static IEnumerable<object[]> Runs() => new[]
    {
        new object[] { new CopyTaskOptions { NetType = NetType.NnRnn, HiddenSize = 16, Delay = 5, CopyLength = 3, Steps = 45, LearningRate = 1e-3, OrthogonalLearningRate = 1e-3, Optimizer = OptimizerKind.Adam }, 3 },
        new object[] { new CopyTaskOptions { NetType = NetType.Lstm, HiddenSize = 8, Delay = 4, CopyLength = 2, Steps = 30, Variable = true }, 3 },
        new object[] { new AddingOptions { NetType = NetType.ExpRnn, RecurrentInit = Initializer.Henaff, HiddenSize = 8, SequenceLength = 6, Steps = 40, Clip = 0.5 }, 2 },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Stopped_and_resumed_equals_uninterrupted(SyntheticTaskOptions options, int timingColumn)
    {
        var whole = TestSupport.TempDir();
        var pieces = TestSupport.TempDir();
        try
        {
            Assert.NotNull(Trainer.Run(options, whole));
            Assert.Null(Trainer.Run(options, pieces, new RunControl(CheckpointEvery: 7, StopAfter: 17)));
            Assert.False(File.Exists(Path.Combine(pieces, "summary.json")));
            // a kill can also leave a half-written row and a half-written checkpoint behind
            File.AppendAllText(Path.Combine(pieces, "metrics.csv"), "18,0.12");
            File.WriteAllText(Path.Combine(pieces, "checkpoint.bin.tmp"), "partial");
            Resume(options, pieces, new RunControl(CheckpointEvery: 7, StopAfter: 9));   // stops again at 23 (checkpoint at 21)
            Resume(options, pieces, new RunControl(CheckpointEvery: 7));
            Assert.Equal(Metrics(whole, timingColumn), Metrics(pieces, timingColumn));
            Assert.Equal(Summary(whole), Summary(pieces));
            Assert.Empty(Directory.GetFiles(pieces, "*.tmp"));
        }
        finally
        {
            Directory.Delete(whole, true);
            Directory.Delete(pieces, true);
        }
    }

    private static RunSummary? Resume(SyntheticTaskOptions options, string dir, RunControl control) => options switch
    {
        CopyTaskOptions => Trainer.Resume<CopyTaskOptions>(dir, control),
        AddingOptions => Trainer.Resume<AddingOptions>(dir, control),
        _ => throw new ArgumentException(),
    };

    [Fact]
    public void Resume_before_the_first_checkpoint_starts_over()
    {
        var whole = TestSupport.TempDir();
        var pieces = TestSupport.TempDir();
        var options = new CopyTaskOptions { HiddenSize = 8, Delay = 3, CopyLength = 2, Steps = 12 };
        try
        {
            Trainer.Run(options, whole);
            Trainer.Run(options, pieces, new RunControl(CheckpointEvery: 100, StopAfter: 5));
            Trainer.Resume<CopyTaskOptions>(pieces);
            Assert.Equal(Metrics(whole, 3), Metrics(pieces, 3));
        }
        finally
        {
            Directory.Delete(whole, true);
            Directory.Delete(pieces, true);
        }
    }

    [Fact]
    public void A_run_killed_with_sigkill_resumes_to_the_same_metrics()
    {
        var whole = TestSupport.TempDir();
        var killed = TestSupport.TempDir();
        string[] args = { "copytask", "--nhid", "16", "--T", "6", "--c-length", "3", "--steps", "400", "--lr", "1e-3", "--checkpoint-every", "3" };
        try
        {
            Assert.Equal(0, TestSupport.RunCli(args.Concat(new[] { "--out", whole }).ToArray()).Code);

            var psi = new ProcessStartInfo("dotnet");
            psi.ArgumentList.Add(TestSupport.CliDll);
            foreach (var a in args.Concat(new[] { "--out", killed })) psi.ArgumentList.Add(a);
            using (var p = ChildProcess.Start(psi))
            {
                var metrics = Path.Combine(killed, "metrics.csv");
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed < TimeSpan.FromSeconds(60) && !p.HasExited
                       && (!File.Exists(metrics) || File.ReadAllLines(metrics).Length < 60))
                    Thread.Sleep(5);
                Assert.False(p.HasExited, "the run finished before it could be killed");
                p.Kill();   // SIGKILL on Linux
            }
            Assert.False(File.Exists(Path.Combine(killed, "summary.json")));
            var (code, _, stderr) = TestSupport.RunCli("copytask", "--resume", killed, "--checkpoint-every", "3");
            Assert.True(code == 0, stderr);
            Assert.Equal(Metrics(whole, 3), Metrics(killed, 3));
            Assert.Equal(Summary(whole), Summary(killed));
        }
        finally
        {
            if (Directory.Exists(whole)) Directory.Delete(whole, true);
            if (Directory.Exists(killed)) Directory.Delete(killed, true);
        }
    }

    [Fact]
    public void Resume_errors_name_the_problem()
    {
        var (code, _, stderr) = TestSupport.RunCli("copytask", "--resume", "/nonexistent/run");
        Assert.Equal(2, code);
        Assert.Contains("--resume", stderr);
        var dir = TestSupport.TempDir();
        Directory.CreateDirectory(dir);
        try
        {
            (code, _, stderr) = TestSupport.RunCli("adding", "--resume", dir);
            Assert.Equal(2, code);
            Assert.Contains("options.json", stderr);
            (code, _, stderr) = TestSupport.RunCli("copytask", "--resume", dir, "--T", "5");
            Assert.Equal(2, code);
            Assert.Contains("--T", stderr);
        }
        finally { Directory.Delete(dir, true); }
    }
}
