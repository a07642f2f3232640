using System.Diagnostics;
using NnRnn.Experiments.Store;
using NnRnn.Experiments.Sweeps;
using Xunit;

namespace NnRnn.Tests.Experiments;

/// <summary>Sweeps (issue 8 item 4): spec errors, the shipped examples, a tiny sweep that runs, skips and resumes.</summary>
public sealed class SweepTests : IDisposable
{
    private readonly Data.TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private string Spec(string yaml, string name = "spec.yaml")
    {
        var path = temp.File(name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private const string Tiny = """
        name: tiny
        task: copytask
        nets: [RNN, LSTM]
        seeds: [1, 2]
        options:
          rinit: xavier
          nhid: 5
          T: 3
          c-length: 2
          batch: 3
          steps: 15
          checkpoint-every: 4
        """;

    [Theory]
    [InlineData("name: x\ntask: copytask\nnets: [RNN]\nseeds: [1]\ncolour: red", "colour", "unknown key")]
    [InlineData("task: copytask\nnets: [RNN]\nseeds: [1]", "name", "missing")]
    [InlineData("name: x\ntask: mnist\nnets: [RNN]\nseeds: [1]", "task", "expected one of copytask")]
    [InlineData("name: x\ntask: copytask\nnets: [GRU]\nseeds: [1]", "nets", "unknown net type 'GRU'")]
    [InlineData("name: x\ntask: copytask\npresets: [nnRNN-999]\nseeds: [1]", "presets", "unknown preset 'nnRNN-999'")]
    [InlineData("name: x\ntask: copytask\nseeds: [1]", "nets", "at least one model")]
    [InlineData("name: x\ntask: copytask\nnets: [RNN]\nseeds: [one]", "seeds", "expected integers")]
    [InlineData("name: x\ntask: copytask\nnets: [RNN]\nseeds: [1]\noptions: {epochs: 3}", "options.epochs", "not an option of nnrnn copytask")]
    [InlineData("name: x\ntask: copytask\nnets: [RNN]\nseeds: [1]\noptions: {lr: fast}", "options.lr", "expected a number")]
    [InlineData("name: x\ntask: copytask\nnets: [RNN]\nseeds: [1]\ngrid: {steps: [10, ten]}", "grid.steps", "expected an integer")]
    [InlineData("name: x\ntask: copytask\nnets: [RNN]\nseeds: [1]\noptions: {random-seed: 3}", "options.random-seed", "set by the sweep")]
    [InlineData("name: x\ntask: copytask\nnets: [RNN]\nseeds: [1]\noptions: {lr: 0.1}\ngrid: {lr: [0.1]}", "grid.lr", "also given under options")]
    [InlineData("name: a/b\ntask: copytask\nnets: [RNN]\nseeds: [1]", "name", "usable as a folder")]
    [InlineData("name: x\ntask: [copytask\n", "line", "not valid YAML")]
    [InlineData("- just\n- a list", "(top level)", "expected a mapping")]
    public void A_bad_spec_is_one_error_naming_the_file_and_key(string yaml, string key, string problem)
    {
        var path = Spec(yaml);
        var e = Assert.Throws<SweepSpecException>(() => SweepSpec.Load(path));
        Assert.StartsWith($"{path}: {key}", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_command_rejects_a_bad_spec_with_exit_code_2_and_one_line()
    {
        var path = Spec("name: x\ntask: copytask\nnets: [RNN]\nseeds: [1]\noptions: {nhid: big}");
        var (code, output, err) = TestSupport.RunCli("sweep", path, "--out", temp.File("root"), "--dry-run");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"nnrnn: error: {path}: options.nhid: expected an integer, got 'big'", err.Trim());
        Assert.False(Directory.Exists(temp.File("root")));
    }

    [Fact]
    public void The_grid_multiplies_models_points_and_seeds_into_stable_labels()
    {
        var spec = SweepSpec.Load(Spec(Tiny.Replace("  steps: 15\n", "") + "\ngrid:\n  steps: [10, 20]\n  lr: [0.01, 0.001, 0.0001]\n"));
        var runs = SweepPlan.Expand(spec, temp.File("root"));
        Assert.Equal(2 * 2 * 3 * 2, runs.Count);
        Assert.Equal(runs.Count, runs.Select(r => r.Directory).Distinct().Count());
        var first = runs[0];
        Assert.Equal("RNN-steps=10-lr=0.01-seed1", first.Label);
        Assert.Equal(Path.Combine(temp.File("root"), "tiny", first.Label), first.Directory);
        Assert.Equal(["copytask", "--net-type", "RNN", "--random-seed", "1"], first.Arguments.Take(5));
        Assert.Contains("--steps", first.Arguments);
        Assert.Equal("0.01", first.Arguments[first.Arguments.ToList().IndexOf("--lr") + 1]);
        Assert.Equal(runs.Select(r => r.Label), SweepPlan.Expand(spec, temp.File("root")).Select(r => r.Label));
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "NnRnn.slnx"))) return d.FullName;
        throw new DirectoryNotFoundException("the repository root (NnRnn.slnx) is not above the test binaries");
    }

    [Theory]
    [InlineData("quick-sweep.yaml", "copytask", 2 * 2)]
    [InlineData("copytask-sweep.yaml", "copytask", 6 * 3)]
    [InlineData("psmnist-sweep.yaml", "psmnist", 6 * 3)]
    [InlineData("ptb-params-T150-sweep.yaml", "ptb", 5 * 3)]
    [InlineData("ptb-params-T300-sweep.yaml", "ptb", 5 * 3)]
    [InlineData("ptb-hidden-T150-sweep.yaml", "ptb", 5 * 3)]
    [InlineData("ptb-hidden-T300-sweep.yaml", "ptb", 5 * 3)]
    public void Every_example_spec_parses_names_existing_presets_and_lists_its_runs(string file, string task, int runs)
    {
        var path = Path.Combine(RepositoryRoot(), "examples", file);
        var spec = SweepSpec.Load(path);   // presets are looked up while parsing
        Assert.Equal(task, spec.Task);
        Assert.Equal(Path.GetFileNameWithoutExtension(file).Replace("-sweep", "").Replace("quick", "quick-sweep").Replace("copytask", "copytask-sweep").Replace("psmnist", "psmnist-sweep"), spec.Name);
        Assert.Equal(runs, SweepPlan.Expand(spec, temp.File("root")).Count);
        var (code, output, _) = TestSupport.RunCli("sweep", path, "--out", temp.File("root"), "--dry-run");
        Assert.Equal(0, code);
        Assert.Equal(runs, output.Split('\n').Count(l => l.StartsWith("run ", StringComparison.Ordinal)));
        Assert.Contains($"{runs} run(s): {runs} to run, 0 to resume, 0 done", output);
    }

    [Fact]
    public void Every_example_spec_is_tested()
    {
        var tested = typeof(SweepTests).GetMethod(nameof(Every_example_spec_parses_names_existing_presets_and_lists_its_runs))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>().Select(a => (string)a.GetData(null!).First()[0]);
        Assert.Equal(Directory.GetFiles(Path.Combine(RepositoryRoot(), "examples"), "*.yaml").Select(Path.GetFileName).Order(), tested.Order());
    }

    private sealed class Recorder : ISweepObserver
    {
        public readonly List<string> Events = [];
        public (int Total, int Done) Started;
        public (int Finished, int Failed) Ended;

        public void SweepStarted(string sweep, int total, int alreadyFinished) => Started = (total, alreadyFinished);
        public void RunStarted(string label) { lock (Events) Events.Add("start " + label); }
        public void RunProgress(string label, long position, long total, double? loss, double? accuracy) { }
        public void RunEnded(string label, string status) { lock (Events) Events.Add($"end {label} {status}"); }
        public void SweepEnded(int finished, int failed) => Ended = (finished, failed);
    }

    private static ProcessStartInfo Worker(IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo("dotnet");
        psi.ArgumentList.Add(TestSupport.CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    private (IReadOnlyList<SweepOutcome> Outcomes, Recorder Seen) Run(SweepSpec spec, string root, string store, int jobs = 2)
    {
        var seen = new Recorder();
        var runner = new SweepRunner(spec, root, store, jobs, seen, Worker, m => throw new InvalidOperationException(m)) { PollInterval = TimeSpan.FromMilliseconds(200) };
        return (runner.RunAsync().GetAwaiter().GetResult(), seen);
    }

    [Fact]
    public void A_tiny_sweep_runs_records_in_the_store_then_skips_what_ended_and_resumes_what_was_cut()
    {
        var spec = SweepSpec.Load(Spec(Tiny));
        var root = temp.File("root");
        var store = Path.Combine(root, "runs.db");
        var runs = SweepPlan.Expand(spec, root);

        // one run cut short beforehand (as a kill after its second checkpoint would leave it)
        var cut = runs[3];
        var runner = new SweepRunner(spec, root, store, 1, new Recorder(), Worker, _ => { });
        var (code, _, err) = TestSupport.RunCli([.. runner.WorkerArguments(cut), "--stop-after", "9"]);
        Assert.True(code == 0, err);
        Assert.Equal(SweepRunState.Resume, cut.State());

        var (outcomes, seen) = Run(spec, root, store);
        Assert.Equal((4, 0), seen.Started);
        Assert.Equal((4, 0), seen.Ended);
        Assert.All(outcomes, o => Assert.Equal(RunStatuses.Finished, o.Status));
        Assert.Equal(4, seen.Events.Count(e => e.StartsWith("start ", StringComparison.Ordinal)));
        Assert.All(runs, r => Assert.Equal(SweepRunState.Done, r.State()));
        Assert.Contains("--resume", File.ReadAllText(Path.Combine(root, "tiny", "logs", cut.Label + ".log")));

        using (var db = RunStore.Open(store))
        {
            var stored = db.Query(new RunFilter(Sweep: "tiny"));
            Assert.Equal(runs.Select(r => r.Directory).Order(), stored.Select(r => r.Directory).Order());
            foreach (var run in stored)
            {
                Assert.Equal(RunStatuses.Finished, run.Status);
                Assert.Equal(Enumerable.Range(1, 15).Select(s => (double)s), db.Metrics(run.Id).Column("step"));
            }
        }

        // the resumed run ends with the rows an uninterrupted one gives (same machine: bit for bit)
        var whole = temp.File("whole");
        (code, _, err) = TestSupport.RunCli([.. cut.Arguments, "--out", whole, "--store", temp.File("other.db")]);
        Assert.True(code == 0, err);
        Assert.Equal(Rows(whole), Rows(cut.Directory));

        // again: everything is skipped, nothing starts
        var (again, seenAgain) = Run(spec, root, store);
        Assert.Equal((4, 4), seenAgain.Started);
        Assert.Empty(seenAgain.Events);
        Assert.All(again, o => Assert.True(o.Skipped));
        var (dryCode, dry, _) = TestSupport.RunCli("sweep", spec.File, "--out", root, "--dry-run");
        Assert.Equal(0, dryCode);
        Assert.Contains("4 run(s): 0 to run, 0 to resume, 4 done", dry);
    }

    [Fact]
    public async Task A_sweep_stopped_by_SIGTERM_stops_its_workers_and_the_next_one_completes_every_run_and_row()
    {
        const int steps = 2500;
        var spec = SweepSpec.Load(Spec(Tiny.Replace("steps: 15", $"steps: {steps}").Replace("checkpoint-every: 4", "checkpoint-every: 40").Replace("seeds: [1, 2]", "seeds: [1]")));
        var root = temp.File("root");
        var store = Path.Combine(root, "runs.db");
        var runs = SweepPlan.Expand(spec, root);
        var sweep = Worker(["sweep", spec.File, "--out", root, "--jobs", "2"]);
        using var process = ChildProcess.Start(sweep);
        var watch = Stopwatch.StartNew();
        while (!runs.All(r => File.Exists(Path.Combine(r.Directory, "checkpoint.bin"))) && watch.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            await Task.Delay(50);
        Assert.False(process.HasExited, "the sweep ended before it could be stopped");
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) Assert.True(kill.WaitForExit(60_000));
        var (code, output, error) = process.Finish(TimeSpan.FromSeconds(60));
        Assert.Equal(130, code);
        Assert.Contains("interrupted", output);
        Assert.Contains("run the same command again", error);
        Assert.All(runs, r => Assert.Equal(SweepRunState.Resume, r.State()));
        using (var db = RunStore.Open(store))
            Assert.All(db.Query(), r => Assert.Equal(RunStatuses.Interrupted, r.Status));   // the workers are gone, not orphaned

        var (outcomes, seen) = Run(spec, root, store);
        Assert.Equal((2, 0), seen.Ended);
        Assert.All(outcomes, o => Assert.Equal(RunStatuses.Finished, o.Status));
        using var after = RunStore.Open(store);
        foreach (var run in after.Query())
        {
            Assert.Equal(RunStatuses.Finished, run.Status);
            // rows of the stopped session that never reached the store come back from metrics.csv on resume
            Assert.Equal(Enumerable.Range(1, steps).Select(s => (double)s), after.Metrics(run.Id).Column("step"));
        }
    }

    [Fact]
    public void Plain_progress_lines_show_every_start_and_end_and_throttle_progress_per_run()
    {
        var text = new StringWriter();
        var plain = new PlainSweepObserver(text, TimeSpan.FromHours(1));
        plain.SweepStarted("s", 3, 1);
        plain.RunStarted("a-seed1");
        plain.RunProgress("a-seed1", 10, 100, 0.5, 0.25);
        plain.RunProgress("a-seed1", 20, 100, 0.4, 0.3);   // within the interval: not shown
        plain.RunProgress("b-seed1", 5, 100, 0.7, null);
        plain.RunEnded("a-seed1", "finished");
        plain.SweepEnded(2, 1);
        Assert.Equal(
        [
            "sweep s: 3 run(s), 1 already ended, 2 to run",
            "[1/3] a-seed1: started",
            "[1/3] a-seed1: 10/100 loss 0.5 accuracy 0.25",
            "[1/3] b-seed1: 5/100 loss 0.7",
            "[2/3] a-seed1: finished",
            "sweep done: 2 finished, 1 not finished",
        ], text.ToString().TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public void Progress_is_read_from_the_newest_row_of_the_run_directory()
    {
        var spec = SweepSpec.Load(Spec(Tiny.Replace("nets: [RNN, LSTM]", "nets: [RNN]").Replace("seeds: [1, 2]", "seeds: [1]")));
        var run = SweepPlan.Expand(spec, temp.File("root"))[0];
        Assert.Null(SweepRunner.Progress(run));
        var (code, _, err) = TestSupport.RunCli([.. run.Arguments, "--out", run.Directory, "--store", temp.File("runs.db")]);
        Assert.True(code == 0, err);
        var last = File.ReadAllLines(Path.Combine(run.Directory, "metrics.csv"))[^1].Split(',');
        var progress = SweepRunner.Progress(run);
        Assert.Equal((15L, 15L), (progress?.Position, progress?.Total));
        Assert.Equal(double.Parse(last[1], System.Globalization.CultureInfo.InvariantCulture), progress?.Loss);
        Assert.Equal(double.Parse(last[2], System.Globalization.CultureInfo.InvariantCulture), progress?.Accuracy);
    }

    private static string[] Rows(string dir)
        => File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Select(l => l[..l.LastIndexOf(',')]).ToArray();   // without the ms column

    [Fact]
    public void A_failing_run_is_reported_and_the_sweep_exits_non_zero()
    {
        // nnRNN refuses xavier: every run fails in its worker, with the worker's own message
        var path = Spec(Tiny.Replace("nhid: 5", "nhid: 4").Replace("nets: [RNN, LSTM]", "nets: [nnRNN]").Replace("seeds: [1, 2]", "seeds: [1]"));
        var (code, output, err) = TestSupport.RunCli("sweep", path, "--out", temp.File("root"));
        Assert.Equal(5, code);
        Assert.Contains("nnRNN-seed1: failed", output);
        Assert.Contains("orthogonal initialiser", err);
        Assert.Contains("logs", err);
    }
}
