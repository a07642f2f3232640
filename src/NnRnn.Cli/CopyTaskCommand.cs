using System.CommandLine;
using NnRnn.Training;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary><c>nnrnn copytask</c>: trains a cell on the copy task and writes a run directory.</summary>
public static class CopyTaskCommand
{
    public static Command Create()
    {
        var d = new CopyTaskOptions();
        var shared = new RunOptionSet(d);
        var resume = new ResumeOptions(100, "updates");
        var delay = CommandLine.Option("--T", "delay between the sequence and its recall", d.T);
        var labels = CommandLine.Option("--labels", "number of symbols (at most 8)", d.Labels);
        var cLength = CommandLine.Option("--c-length", "length of the sequence to copy", d.CLength);
        var onehot = CommandLine.Option("--onehot", "one-hot inputs instead of scalar values", false);
        var vari = CommandLine.Option("--vari", "a random delay in [1, T] per sequence", false);
        var steps = CommandLine.Option("--steps", "number of training updates", d.Steps);
        var output = new Option<string?>("--out") { Description = "run directory (default runs/copytask-NET-TIME)" };
        var own = new Option[] { delay, labels, cLength, onehot, vari, steps, output };

        var command = new Command("copytask", "Train on the copy task (paper §5.1).");
        shared.AddTo(command);
        foreach (var o in own) command.Options.Add(o);
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
                ResumeOptions.RejectWithResume(shared.Given(r).Concat(own.Where(o => r.GetResult(o) is { Implicit: false }).Select(o => o.Name)));
                dir = resumeDir;
                summary = CopyTaskRun.Resume(dir, control, printer.Update, task => Header(RunSession.ReadOptions<CopyTaskOptions>(dir), task, dir, true));
            }
            else
            {
                var options = shared.Bind(r, d) with
                {
                    T = r.GetValue(delay), Labels = r.GetValue(labels), CLength = r.GetValue(cLength),
                    Onehot = r.GetValue(onehot), Vari = r.GetValue(vari), Steps = r.GetValue(steps),
                };
                options.Validate();
                dir = r.GetValue(output) ?? RunDirectory.DefaultPath("copytask", NnRnn.Cells.CellFactory.Canonical(options.NetType));
                summary = CopyTaskRun.Run(options, dir, control, printer.Update, task => Header(options, task, dir, false));
            }
            if (summary is null)
            {
                Console.WriteLine(ResumeOptions.StoppedMessage("copytask", dir));
                return 0;
            }
            Report.Summary(summary, "final_loss", "final_accuracy", "memoryless_baseline", "seconds");
            Console.WriteLine($"run directory: {dir}");
            return 0;
        }));
        return command;
    }

    private static void Header(CopyTaskOptions o, NnRnn.Tasks.CopyTask task, string dir, bool resumed)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]copytask[/] {o.NetType} N={o.Nhid} T={o.T} batch={o.Batch} steps={o.Steps} {(resumed ? "resuming " : "")}-> {dir}");
        AnsiConsole.MarkupLineInterpolated($"memoryless baseline loss: [yellow]{task.MemorylessBaseline:F4}[/]");
    }

    /// <summary>Prints the mean loss about 30 times per run.</summary>
    private sealed class ProgressPrinter
    {
        private double window;
        private int count;

        public void Update(CopyTaskProgress p)
        {
            window += p.Loss;
            count++;
            int every = Math.Max(1, p.Steps / 30);
            if (p.Step % every == 0 || p.Step == p.Steps)
            {
                Console.WriteLine($"step {p.Step,6}/{p.Steps}  loss {window / count:F5}  acc {p.Accuracy:F3}  {p.Milliseconds,7:F1} ms/update");
                window = 0;
                count = 0;
            }
        }
    }
}
