using System.CommandLine;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary>
/// Commands whose task draws fresh data every update (copytask, adding): a training command
/// with the task's own options and --steps.
/// </summary>
public static class OnlineTaskCommand
{
    /// <param name="own">The task's options (besides --steps and --out).</param>
    /// <param name="bind">Reads the task's options into the options record.</param>
    /// <param name="describe">The task part of the header line (e.g. "T=200").</param>
    public static Command Create<T>(string name, string description, T defaults, Option[] own,
        Func<ParseResult, T, T> bind, Func<T, string> describe) where T : OnlineTaskOptions
    {
        var steps = CommandLine.Option("--steps", "number of training updates", defaults.Steps);
        return TrainingCommand.Create(name, description, defaults, own.Append(steps).ToArray(), new ResumeOptions(100, "updates"),
            (r, o) => bind(r, o) with { Steps = r.GetValue(steps) },
            (options, dir, control) => OnlineTaskRun.Run(options, dir, control, new ProgressPrinter().Update,
                task => Header(name, options, describe(options), task, dir, false)),
            (dir, control) =>
            {
                var options = RunSession.ReadOptions<T>(dir);
                return OnlineTaskRun.Resume<T>(dir, control, new ProgressPrinter().Update,
                    task => Header(name, options, describe(options), task, dir, true));
            },
            summary => summary.Keys.Where(k => k.StartsWith("final_") && k != "final_window")
                .Concat(new[] { "memoryless_baseline", "baseline_mse", "seconds" }));
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
