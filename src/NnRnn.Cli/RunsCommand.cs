using System.CommandLine;
using System.Globalization;
using NnRnn.Experiments.Store;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary><c>nnrnn runs list|show|import</c>: what the run store recorded.</summary>
public static class RunsCommand
{
    /// <summary>Where the runs commands look when --store is not given: runs/runs.db, the default of runs under runs/.</summary>
    public static readonly string DefaultStore = Path.Combine("runs", RunStore.DefaultFileName);

    public static Command Create()
    {
        var command = new Command("runs", "List, show and import the runs recorded in a run store.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Import());
        return command;
    }

    private static Option<string?> Store() => StoreOption.Create(DefaultStore);

    private static RunStore OpenExisting(ParseResult r, Option<string?> store) => RunStore.Open(r.GetValue(store) ?? DefaultStore, create: false);

    private static Command List()
    {
        var task = new Option<string?>("--task") { Description = "only runs of this task (copytask, adding, psmnist, ptb)" };
        var net = new Option<string?>("--net-type") { Description = "only runs of this net type (RNN, RNN-orth, EURNN, expRNN, nnRNN, LSTM)" };
        var status = new Option<string?>("--status") { Description = $"only runs with this status ({string.Join(", ", RunStatuses.All)})" };
        var sweep = new Option<string?>("--sweep") { Description = "only runs of this sweep" };
        var store = Store();
        var command = new Command("list", "List recorded runs (runs whose process died are shown as interrupted).") { task, net, status, sweep, store };
        command.SetAction(r => CommandLine.Guard(() =>
        {
            if (r.GetValue(status) is { } s && !RunStatuses.All.Contains(s))
                throw new ArgumentException($"--status: expected one of {string.Join(", ", RunStatuses.All)}, got '{s}'");
            using var runs = OpenExisting(r, store);
            var found = runs.Query(new RunFilter(r.GetValue(task), r.GetValue(net), r.GetValue(status), r.GetValue(sweep)));
            string[] header = ["id", "task", "net", "preset", "seed", "sweep", "status", "started", "result", "directory"];
            var rows = found.Select(run => new[]
            {
                run.Id.ToString(CultureInfo.InvariantCulture), run.Task, run.NetType, run.Preset ?? "-", run.Seed?.ToString(CultureInfo.InvariantCulture) ?? "-",
                run.Sweep ?? "-", run.Status, run.Started?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-", Headline(run), run.Directory,
            }).ToList();
            Table(header, rows);
            if (Console.IsOutputRedirected) return 0;
            Console.WriteLine($"{rows.Count} run(s) in {runs.Path}");
            return 0;
        }));
        return command;
    }

    /// <summary>The main final metric of a run, for the list.</summary>
    private static string Headline(StoredRun run)
    {
        foreach (var key in new[] { "test_bpc", "test_accuracy", "valid_accuracy", "final_loss", "loss" })
            if (run.Final.TryGetValue(key, out var v)) return $"{key} {v.ToString("G5", CultureInfo.InvariantCulture)}";
        return "-";
    }

    private static void Table(string[] header, List<string[]> rows)
    {
        if (Console.IsOutputRedirected)
        {
            // plain tab-separated lines for pipes and logs
            Console.WriteLine(string.Join('\t', header));
            foreach (var row in rows) Console.WriteLine(string.Join('\t', row));
            return;
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in header) table.AddColumn(h);
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    private static Command Show()
    {
        var id = new Argument<long>("ID") { Description = "the run's id (see nnrnn runs list)" };
        var rowsShown = CommandLine.Option("--rows", "how many metrics rows to show (first and last)", 5);
        var store = Store();
        var command = new Command("show", "Show one recorded run: options, status, times, final metrics and some metrics rows.") { id, rowsShown, store };
        command.SetAction(r => CommandLine.Guard(() =>
        {
            using var runs = OpenExisting(r, store);
            var run = runs.Find(r.GetValue(id)) ?? throw new ArgumentException($"ID: no run {r.GetValue(id)} in {runs.Path}");
            Console.WriteLine($"run {run.Id}: {run.Task} {run.NetType}{(run.Preset is null ? "" : $" (preset {run.Preset})")}, seed {run.Seed?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(run.Sweep is null ? "" : $", sweep {run.Sweep}")}");
            Console.WriteLine($"status:    {run.Status}");
            Console.WriteLine($"directory: {run.Directory}");
            Console.WriteLine($"started:   {Time(run.Started)}   ended: {Time(run.Ended)}");
            Console.WriteLine($"host:      {run.Host ?? "-"} (pid {run.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"})   code: {run.CodeVersion ?? "-"}");
            Console.WriteLine("options:");
            Console.WriteLine(run.Options);
            if (run.Final.Count > 0)
            {
                Console.WriteLine("final metrics:");
                foreach (var (key, value) in run.Final) Console.WriteLine($"  {key} = {value.ToString("R", CultureInfo.InvariantCulture)}");
            }
            var series = runs.Metrics(run.Id);
            Console.WriteLine($"metrics: {series.Rows.Count} row(s)");
            if (series.Rows.Count > 0)
            {
                int n = Math.Max(1, r.GetValue(rowsShown));
                var shown = series.Rows.Count <= 2 * n ? series.Rows : [.. series.Rows.Take(n), .. series.Rows.TakeLast(n)];
                Console.WriteLine("  " + string.Join(',', series.Columns));
                for (int i = 0; i < shown.Count; i++)
                {
                    if (series.Rows.Count > 2 * n && i == n) Console.WriteLine("  ...");
                    Console.WriteLine("  " + string.Join(',', shown[i].Select(v => v.ToString("G6", CultureInfo.InvariantCulture))));
                }
            }
            return 0;
        }));
        return command;
    }

    private static string Time(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "-";

    private static Command Import()
    {
        var dirs = new Argument<string[]>("DIR") { Description = "run directories, or folders holding run directories", Arity = ArgumentArity.OneOrMore };
        var sweep = new Option<string?>("--sweep") { Description = "record the runs as part of this sweep" };
        var store = Store();
        var command = new Command("import", "Record run directories in the store (again): options.json, metrics.csv, summary.json. Importing twice does not duplicate.") { dirs, sweep, store };
        command.SetAction(r => CommandLine.Guard(() =>
        {
            // every directory is checked before the store is opened (or created)
            var targets = new List<string>();
            foreach (var dir in r.GetValue(dirs)!)
            {
                if (!Directory.Exists(dir)) throw new ArgumentException($"DIR: '{dir}' is not a directory");
                // a folder of run directories (e.g. a sweep's) imports each of them
                var found = File.Exists(Path.Combine(dir, "options.json"))
                    ? [dir]
                    : Directory.GetDirectories(dir).Where(d => File.Exists(Path.Combine(d, "options.json"))).Order().ToArray();
                if (found.Length == 0) throw new ArgumentException($"DIR: '{dir}' is not a run directory and holds none (no options.json)");
                targets.AddRange(found);
            }
            using var runs = RunStore.Open(r.GetValue(store) ?? DefaultStore);
            foreach (var target in targets)
            {
                var id = RunImport.Import(runs, target, r.GetValue(sweep));
                Console.WriteLine($"imported run {id}: {Path.GetFullPath(target)}");
            }
            Console.WriteLine($"{targets.Count} run(s) in {runs.Path}");
            return 0;
        }));
        return command;
    }
}
