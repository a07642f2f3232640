using System.CommandLine;
using NnRnn.Tasks;
using NnRnn.Training;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary>
/// The shape shared by commands whose task draws fresh data every update (copytask, adding):
/// the shared model/optimiser options, the task's own options, --steps, --out and resume.
/// </summary>
public static class OnlineTaskCommand
{
    /// <param name="own">The task's options (besides --steps and --out).</param>
    /// <param name="bind">Reads the task's options into the options record.</param>
    /// <param name="describe">The task part of the header line (e.g. "T=200").</param>
    public static Command Create<T>(string name, string description, T defaults, Option[] own,
        Func<ParseResult, T, T> bind, Func<T, string> describe) where T : OnlineTaskOptions
    {
        var shared = new RunOptionSet(defaults);
        var resume = new ResumeOptions(100, "updates");
        var steps = CommandLine.Option("--steps", "number of training updates", defaults.Steps);
        var output = new Option<string?>("--out") { Description = $"run directory (default runs/{name}-NET-TIME)" };
        var mine = own.Append(steps).Append(output).ToArray();

        var command = new Command(name, description);
        shared.AddTo(command);
        foreach (var o in mine) command.Options.Add(o);
        resume.AddTo(command);

        command.SetAction(r => CommandLine.Guard(() =>
        {
            var control = resume.Control(r);
            control.Validate();
            string dir;
            Dictionary<string, object>? summary;
            var printer = new ProgressPrinter();
            if (resume.ResumeDirectory(r) is { } resumeDir)
            {
                ResumeOptions.RejectWithResume(shared.Given(r).Concat(mine.Where(o => r.GetResult(o) is { Implicit: false }).Select(o => o.Name)));
                dir = resumeDir;
                var options = RunSession.ReadOptions<T>(dir);
                summary = OnlineTaskRun.Resume<T>(dir, control, printer.Update, task => Header(name, options, describe(options), task, dir, true));
            }
            else
            {
                var options = bind(r, shared.Bind(r, defaults)) with { Steps = r.GetValue(steps) };
                options.Validate();
                dir = r.GetValue(output) ?? RunDirectory.DefaultPath(name, NnRnn.Cells.CellFactory.Canonical(options.NetType));
                summary = OnlineTaskRun.Run(options, dir, control, printer.Update, task => Header(name, options, describe(options), task, dir, false));
            }
            if (summary is null)
            {
                Console.WriteLine(ResumeOptions.StoppedMessage(name, dir));
                return 0;
            }
            Report.Summary(summary, summary.Keys.Where(k => k.StartsWith("final_") && k != "final_window")
                .Concat(new[] { "memoryless_baseline", "baseline_mse", "seconds" }).ToArray());
            Console.WriteLine($"run directory: {dir}");
            return 0;
        }));
        return command;
    }

    private static void Header(string name, RunOptions o, string task, IOnlineTask t, string dir, bool resumed)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{name}[/] {o.NetType} N={o.Nhid} {task} batch={o.Batch} {(resumed ? "resuming " : "")}-> {dir}");
        AnsiConsole.MarkupLineInterpolated($"baseline loss ({t.BaselineName}): [yellow]{t.Baseline:F4}[/]");
    }

    /// <summary>Prints the mean loss about 30 times per run.</summary>
    private sealed class ProgressPrinter
    {
        private double window;
        private int count;

        public void Update(OnlineTaskProgress p)
        {
            window += p.Loss;
            count++;
            int every = Math.Max(1, p.Steps / 30);
            if (p.Step % every == 0 || p.Step == p.Steps)
            {
                var score = double.IsNaN(p.Score) ? "" : $"  score {p.Score:F3}";
                Console.WriteLine($"step {p.Step,6}/{p.Steps}  loss {window / count:F5}{score}  {p.Milliseconds,7:F1} ms/update");
                window = 0;
                count = 0;
            }
        }
    }
}
