using System.CommandLine;
using System.Diagnostics;
using NnRnn.Experiments.Store;
using NnRnn.Experiments.Sweeps;

namespace NnRnn.Cli;

/// <summary>
/// <c>nnrnn sweep SPEC.yaml</c>: every run of a grid, each in a worker process of this CLI, at most
/// --jobs at once; finished runs are skipped and interrupted ones resumed when the same spec runs again.
/// </summary>
public static class SweepCommand
{
    /// <summary>Exit code when some run of the sweep did not finish (failed or interrupted).</summary>
    public const int RunsFailed = 5;

    /// <summary>Exit code when the sweep was stopped (Ctrl+C, SIGTERM): 128 + SIGINT, as a shell reports it.</summary>
    public const int Interrupted = 130;

    // On a terminal one live line per running run (Spectre); otherwise plain periodic lines for logs.
    private static ISweepObserver Display()
        => ConsoleMode.Live ? new SpectreSweepView() : new PlainSweepObserver(Console.Out, TimeSpan.FromSeconds(10));

    public static Command Create()
    {
        var spec = new Argument<string>("SPEC") { Description = "the sweep spec (YAML; see README \"Sweeps\" and examples/)" };
        var jobs = CommandLine.Option("--jobs", "worker processes at once", 1);
        var output = CommandLine.Option("--out", "root folder: runs go to ROOT/SWEEP/LABEL-seedK", "runs");
        var store = StoreOption.Create("runs.db in ROOT");
        var dryRun = new Option<bool>("--dry-run") { Description = "list the runs and what would happen to each (run, resume, done); run nothing" };
        var command = new Command("sweep", "Run a grid of trainings from a YAML spec (task × models × seeds × option overrides).") { spec, jobs, output, store, dryRun };
        command.SetAction(r => CommandLine.Guard(() =>
        {
            if (r.GetValue(jobs) < 1) throw new ArgumentException($"--jobs: must be at least 1 (got {r.GetValue(jobs)})");
            var parsed = SweepSpec.Load(r.GetValue(spec)!);
            var root = r.GetValue(output)!;
            var storePath = Path.GetFullPath(r.GetValue(store) ?? Path.Combine(root, RunStore.DefaultFileName));
            var runner = new SweepRunner(parsed, root, storePath, r.GetValue(jobs), Display(),
                Worker, message => Console.Error.WriteLine($"nnrnn: warning: {message}"));
            if (r.GetValue(dryRun)) return DryRun(parsed, root, runner);
            OutputLocation.CheckWritable(Path.Combine(root, parsed.Name), "--out");
            using var stop = new CancellationTokenSource();
            // Ctrl+C or SIGTERM: stop the workers too (each run resumes on the next sweep) instead of leaving them orphaned
            using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
            using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
            void Stop(System.Runtime.InteropServices.PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
            var outcomes = runner.RunAsync(stop.Token).GetAwaiter().GetResult();
            if (stop.IsCancellationRequested)
            {
                Console.Error.WriteLine($"nnrnn: sweep stopped; run the same command again to resume it");
                return Interrupted;
            }
            var failed = outcomes.Where(o => o.Status is not (RunStatuses.Finished or RunStatuses.Diverged)).ToList();
            foreach (var o in failed)
                Console.Error.WriteLine($"nnrnn: {o.Run.Label}: {o.Status}{(o.LastError is null ? "" : $": {o.LastError}")} (log: {o.Log})");
            Console.WriteLine($"runs: {Path.GetFullPath(Path.Combine(root, parsed.Name))}; store: {storePath} (nnrnn runs list --sweep {parsed.Name} --store {storePath})");
            return failed.Count == 0 ? 0 : RunsFailed;
        }));
        return command;
    }

    private static int DryRun(SweepSpec spec, string root, SweepRunner runner)
    {
        var runs = SweepPlan.Expand(spec, root);
        foreach (var run in runs)
        {
            var state = run.State();
            var what = state switch
            {
                SweepRunState.Done => $"done ({Experiments.Runs.RunSession.EndStatus(run.Directory)})",
                SweepRunState.Resume => "resume",
                _ => "run",
            };
            Console.WriteLine($"{what,-16} {run.Label}: nnrnn {string.Join(' ', runner.WorkerArguments(run))}");
        }
        int done = runs.Count(r => r.State() == SweepRunState.Done), resume = runs.Count(r => r.State() == SweepRunState.Resume);
        Console.WriteLine($"sweep {spec.Name}: {runs.Count} run(s): {runs.Count - done - resume} to run, {resume} to resume, {done} done");
        return 0;
    }

    /// <summary>A worker: this CLI's assembly under the same dotnet host.</summary>
    private static ProcessStartInfo Worker(IReadOnlyList<string> args)
    {
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var psi = new ProcessStartInfo(host);
        psi.ArgumentList.Add(typeof(App).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }
}
