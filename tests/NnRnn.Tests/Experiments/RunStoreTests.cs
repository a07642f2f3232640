using System.Diagnostics;
using System.Globalization;
using NnRnn.Cells;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Store;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using Xunit;

namespace NnRnn.Tests.Experiments;

/// <summary>The run store (issue 8 item 3): records, filters, show, import, interrupted detection, parallel writers, a broken store.</summary>
public sealed class RunStoreTests : IDisposable
{
    private readonly Data.TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private static CopyTaskOptions Tiny(NetType net = NetType.Rnn, int seed = 1, int steps = 12)
        => new() { NetType = net, RecurrentInit = net == NetType.NnRnn ? Initializer.Cayley : Initializer.Xavier, HiddenSize = 6, Delay = 3, CopyLength = 2, Batch = 3, Steps = steps, RandomSeed = seed };

    /// <summary>Trains in this process, recorded by a <see cref="StoreObserver"/>; returns the warnings it gave.</summary>
    private List<string> Train(RunOptions options, string dir, string store, string? sweep = null, RunControl? control = null)
    {
        var warnings = new List<string>();
        using (var recorder = new StoreObserver(store, sweep, warnings.Add))
            Trainer.Run(options, dir, control, recorder);
        return warnings;
    }

    private static string[][] CsvRows(string dir)
        => File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1).Select(l => l.Split(',')).ToArray();

    [Fact]
    public void A_training_run_is_recorded_with_its_options_rows_and_final_metrics()
    {
        var db = temp.File("runs.db");
        var dir = temp.File("a");
        Assert.Empty(Train(Tiny(NetType.NnRnn, seed: 7) with { Preset = "nnRNN-128" }, dir, db, sweep: "s1"));

        using var store = RunStore.Open(db);
        var run = Assert.Single(store.Query());
        Assert.Equal((Path.GetFullPath(dir), "copytask", "nnRNN", "nnRNN-128", 7, "s1", RunStatuses.Finished),
            (run.Directory, run.Task, run.NetType, run.Preset, run.Seed, run.Sweep, run.Status));
        Assert.Equal(Environment.ProcessId, run.Pid);
        Assert.Equal(Environment.MachineName, run.Host);
        Assert.False(string.IsNullOrEmpty(run.CodeVersion));
        Assert.True(run.Ended >= run.Started);
        Assert.Contains("\"nhid\": 6", run.Options);

        // final metrics are summary.json's numbers; rows are metrics.csv's, bit for bit (one machine)
        var summary = RunStore.FinalMetrics(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.NotEmpty(summary);
        Assert.Equal(summary.OrderBy(p => p.Key), run.Final.OrderBy(p => p.Key));
        var series = store.Metrics(run.Id);
        Assert.Equal(File.ReadLines(Path.Combine(dir, "metrics.csv")).First().Split(','), series.Columns);
        var csv = CsvRows(dir);
        Assert.Equal(csv.Length, series.Rows.Count);
        for (int i = 0; i < csv.Length; i++)
            Assert.Equal(csv[i].Select(MetricsLog.ParseDouble), series.Rows[i]);
        Assert.Equal(csv.Select(r => MetricsLog.ParseDouble(r[1])), series.Column("loss"));
    }

    [Fact]
    public void Queries_filter_by_task_net_type_status_and_sweep()
    {
        var db = temp.File("runs.db");
        Train(Tiny(NetType.Rnn, 1), temp.File("rnn1"), db, sweep: "A");
        Train(Tiny(NetType.Lstm, 1), temp.File("lstm1"), db, sweep: "A");
        Train(new AddingOptions { NetType = NetType.Rnn, RecurrentInit = Initializer.Xavier, HiddenSize = 4, SequenceLength = 6, Batch = 3, Steps = 5 },
            temp.File("add"), db, sweep: "B");
        Train(Tiny(NetType.Rnn, 2, steps: 10), temp.File("stopped"), db, control: new RunControl(StopAfter: 4));

        using var store = RunStore.Open(db);
        string[] Dirs(RunFilter f) => [.. store.Query(f).Select(r => Path.GetFileName(r.Directory))];
        Assert.Equal(["rnn1", "lstm1", "add", "stopped"], Dirs(new()));
        Assert.Equal(["rnn1", "lstm1", "stopped"], Dirs(new(Task: "copytask")));
        Assert.Equal(["rnn1", "add", "stopped"], Dirs(new(NetType: "rnn")));
        Assert.Equal(["rnn1", "lstm1"], Dirs(new(Sweep: "A")));
        Assert.Equal(["stopped"], Dirs(new(Status: RunStatuses.Interrupted)));
        Assert.Equal(["rnn1"], Dirs(new(Task: "copytask", NetType: "RNN", Sweep: "A")));
        Assert.Empty(Dirs(new(Status: RunStatuses.Running)));
    }

    [Fact]
    public void Import_rebuilds_the_same_record_and_importing_twice_does_not_duplicate()
    {
        var recorded = temp.File("recorded.db");
        var dirs = new[] { temp.File("r1"), temp.File("r2") };
        Train(Tiny(NetType.Rnn, 1), dirs[0], recorded);
        Train(Tiny(NetType.Rnn, 2, steps: 10), dirs[1], recorded, control: new RunControl(CheckpointEvery: 3, StopAfter: 7));

        var rebuilt = temp.File("rebuilt.db");
        using var store = RunStore.Open(rebuilt);
        for (int round = 0; round < 2; round++)
            foreach (var d in dirs) RunImport.Import(store, d, "imported");
        var runs = store.Query();
        Assert.Equal(2, runs.Count);
        using var original = RunStore.Open(recorded);
        foreach (var (a, b) in original.Query().Zip(runs))
        {
            Assert.Equal((a.Directory, a.Task, a.NetType, a.Seed, a.Status), (b.Directory, b.Task, b.NetType, b.Seed, b.Status));
            Assert.Equal("imported", b.Sweep);
            Assert.Equal(a.Final.OrderBy(p => p.Key), b.Final.OrderBy(p => p.Key));
            Assert.Equal(CsvRows(a.Directory).Length, store.Metrics(b.Id).Rows.Count);
            Assert.Equal(original.Metrics(a.Id).Rows, store.Metrics(b.Id).Rows);
        }
        Assert.Equal(RunStatuses.Interrupted, runs[1].Status);
        Assert.Equal(7, store.MetricRowCount(runs[1].Id));   // every complete row, as metrics.csv has them until a resume cuts it back
    }

    [Fact]
    public void A_run_whose_process_died_is_listed_as_interrupted()
    {
        var db = temp.File("runs.db");
        var dir = temp.File("killed");
        var psi = new ProcessStartInfo("dotnet");
        foreach (var a in new[] { TestSupport.CliDll, "copytask", "--nhid", "6", "--T", "3", "--steps", "1000000", "--out", dir, "--store", db })
            psi.ArgumentList.Add(a);
        using var process = ChildProcess.Start(psi);
        try
        {
            var watch = Stopwatch.StartNew();
            StoredRun? run = null;
            while (watch.Elapsed < TimeSpan.FromSeconds(60) && (run is null || run.Status != RunStatuses.Running))
            {
                Thread.Sleep(200);
                if (!File.Exists(db)) continue;
                using var store = RunStore.Open(db);
                run = store.Query().FirstOrDefault();
            }
            Assert.Equal(RunStatuses.Running, run?.Status);
            Assert.Equal(process.Id, run!.Pid);
        }
        finally
        {
            process.Kill();
        }
        using (var store = RunStore.Open(db))
        {
            var run = Assert.Single(store.Query());
            Assert.Equal(RunStatuses.Interrupted, run.Status);
            Assert.NotNull(run.Ended);
        }
    }

    [Fact]
    public void A_record_left_running_by_a_dead_pid_or_without_a_lock_holder_becomes_interrupted()
    {
        var db = temp.File("runs.db");
        var dir = temp.File("orphan");
        Directory.CreateDirectory(dir);
        // a pid that existed and exited
        using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        Assert.True(gone.WaitForExit(60_000));
        using var store = RunStore.Open(db);
        var record = new RunRecord(dir, "copytask", "RNN", null, 1, null, "{}", null, Environment.MachineName, gone.Id, DateTimeOffset.UtcNow, []);
        var id = store.Begin(record);
        // another host: only the lock can tell; a directory whose lock nobody holds
        Directory.CreateDirectory(temp.File("elsewhere"));
        File.WriteAllBytes(Path.Combine(temp.File("elsewhere"), RunLock.FileName), []);
        var other = store.Begin(record with { Directory = temp.File("elsewhere"), Host = "another-host", Pid = 1 });
        // another host's directory that this machine cannot see: cannot tell, stays running
        var unseen = store.Begin(record with { Directory = temp.File("not-here"), Host = "another-host", Pid = 1 });
        Directory.CreateDirectory(temp.File("held"));
        using var held = RunLock.Acquire(temp.File("held"));
        var alive = store.Begin(record with { Directory = temp.File("held"), Host = "another-host", Pid = 1 });

        Assert.Equal(2, store.DetectInterrupted());
        Assert.Equal(RunStatuses.Interrupted, store.Find(id)!.Status);
        Assert.Equal(RunStatuses.Interrupted, store.Find(other)!.Status);
        Assert.Equal(RunStatuses.Running, store.Find(alive)!.Status);
        Assert.Equal(RunStatuses.Running, store.Find(unseen)!.Status);
    }

    [Fact]
    public async Task Parallel_processes_writing_one_store_lose_no_record_and_no_row()
    {
        var db = temp.File("shared.db");
        const int writers = 4, steps = 150;
        var processes = Enumerable.Range(0, writers).Select(i =>
        {
            var psi = new ProcessStartInfo("dotnet");
            foreach (var a in new[] { TestSupport.CliDll, "copytask", "--net-type", "RNN", "--rinit", "xavier", "--nhid", "4", "--T", "2", "--c-length", "2",
                         "--batch", "2", "--steps", steps.ToString(CultureInfo.InvariantCulture), "--random-seed", i.ToString(CultureInfo.InvariantCulture),
                         "--out", temp.File($"w{i}"), "--store", db })
                psi.ArgumentList.Add(a);
            return ChildProcess.Start(psi);
        }).ToList();
        var results = await Task.WhenAll(processes.Select(p => Task.Run(() => p.Finish())));
        var errors = results.Select(r => r.Err).ToArray();
        for (int i = 0; i < writers; i++) Assert.True(results[i].Code == 0, errors[i]);
        Assert.All(errors, e => Assert.DoesNotContain("warning", e));

        using var store = RunStore.Open(db);
        var runs = store.Query();
        Assert.Equal(writers, runs.Count);
        Assert.Equal(Enumerable.Range(0, writers), runs.Select(r => r.Seed!.Value).Order());
        foreach (var run in runs)
        {
            Assert.Equal(RunStatuses.Finished, run.Status);
            Assert.Equal(Enumerable.Range(1, steps).Select(s => (double)s), store.Metrics(run.Id).Column("step"));
        }
        foreach (var p in processes) p.Dispose();
    }

    [Fact]
    public void A_broken_store_warns_once_and_the_run_goes_on_untouched()
    {
        var db = temp.File("not-a-db");
        var junk = "this is not a database\n"u8.ToArray().Concat(new byte[4000]).ToArray();
        File.WriteAllBytes(db, junk);
        var (code, _, err) = TestSupport.RunCli("copytask", "--nhid", "4", "--T", "2", "--steps", "5", "--out", temp.File("run"), "--store", db);
        Assert.Equal(0, code);
        Assert.Single(err.Split('\n'), l => l.Contains("warning", StringComparison.Ordinal));
        Assert.Contains("not-a-db", err);
        Assert.True(File.Exists(Path.Combine(temp.File("run"), "summary.json")));
        Assert.Equal(junk, File.ReadAllBytes(db));

        var (listCode, listOut, listErr) = TestSupport.RunCli("runs", "list", "--store", db);
        Assert.Equal(2, listCode);
        Assert.Equal("", listOut);
        Assert.Single(listErr.Trim().Split('\n'));
        Assert.Contains("--store", listErr);
    }

    [Fact]
    public void Runs_commands_list_show_and_import()
    {
        var db = temp.File("cli.db");
        Train(Tiny(NetType.Lstm, 3), temp.File("one"), db, sweep: "S");
        Train(Tiny(NetType.Rnn, 4), temp.File("two"), db);

        var (code, output, _) = TestSupport.RunCli("runs", "list", "--store", db, "--net-type", "LSTM");
        Assert.Equal(0, code);
        var lines = output.Trim().Split('\n');
        Assert.Equal(2, lines.Length);   // header + one run (plain lines: stdout is a pipe)
        Assert.StartsWith("id\ttask", lines[0]);
        Assert.Contains("\tLSTM\t", lines[1]);
        Assert.Contains("\tS\tfinished\t", lines[1]);

        (code, output, _) = TestSupport.RunCli("runs", "show", "1", "--store", db, "--rows", "2");
        Assert.Equal(0, code);
        Assert.Contains("status:    finished", output);
        Assert.Contains("\"nhid\": 6", output);
        Assert.Contains("final_loss = ", output);
        Assert.Contains("metrics: 12 row(s)", output);
        Assert.Contains("  12,", output);

        var fresh = temp.File("fresh.db");
        for (int i = 0; i < 2; i++)
        {
            (code, output, _) = TestSupport.RunCli("runs", "import", temp.File("one"), temp.File("two"), "--store", fresh);
            Assert.Equal(0, code);
        }
        Assert.Contains("2 run(s)", output);
        using var store = RunStore.Open(fresh);
        Assert.Equal(2, store.Query().Count);

        (code, _, var err) = TestSupport.RunCli("runs", "import", temp.Path, "--store", temp.File("x.db"), "--sweep", "S");
        Assert.Equal(0, code);
        (code, _, err) = TestSupport.RunCli("runs", "import", temp.File("nothing-here"), "--store", fresh);
        Assert.Equal(2, code);
        Assert.Contains("nothing-here", err);
    }
}
