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
        var delay = CommandLine.Option("--T", "delay between the sequence and its recall", d.T);
        var labels = CommandLine.Option("--labels", "number of symbols (at most 8)", d.Labels);
        var cLength = CommandLine.Option("--c-length", "length of the sequence to copy", d.CLength);
        var onehot = CommandLine.Option("--onehot", "one-hot inputs instead of scalar values", false);
        var vari = CommandLine.Option("--vari", "a random delay in [1, T] per sequence", false);
        var steps = CommandLine.Option("--steps", "number of training updates", d.Steps);
        var output = new Option<string?>("--out") { Description = "run directory (default runs/copytask-NET-TIME)" };

        var command = new Command("copytask", "Train on the copy task (paper §5.1).");
        shared.AddTo(command);
        foreach (var o in new Option[] { delay, labels, cLength, onehot, vari, steps, output }) command.Options.Add(o);

        command.SetAction(r => CommandLine.Guard(() =>
        {
            var options = shared.Bind(r, d) with
            {
                T = r.GetValue(delay), Labels = r.GetValue(labels), CLength = r.GetValue(cLength),
                Onehot = r.GetValue(onehot), Vari = r.GetValue(vari), Steps = r.GetValue(steps),
            };
            options.Validate();
            var net = NnRnn.Cells.CellFactory.Canonical(options.NetType);
            var dir = r.GetValue(output) ?? RunDirectory.DefaultPath("copytask", net);
            void Header(NnRnn.Tasks.CopyTask task)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]copytask[/] {net} N={options.Nhid} T={options.T} batch={options.Batch} steps={options.Steps} -> {dir}");
                AnsiConsole.MarkupLineInterpolated($"memoryless baseline loss: [yellow]{task.MemorylessBaseline:F4}[/]");
            }
            int every = Math.Max(1, options.Steps / 30);
            double window = 0;
            var summary = CopyTaskRun.Run(options, dir, started: Header, progress: p =>
            {
                window += p.Loss;
                if (p.Step % every == 0 || p.Step == p.Steps)
                {
                    int n = p.Step % every == 0 ? every : p.Step % every;
                    Console.WriteLine($"step {p.Step,6}/{p.Steps}  loss {window / n:F5}  acc {p.Accuracy:F3}  {p.Milliseconds,7:F1} ms/update");
                    window = 0;
                }
            });
            Report.Summary(summary, "final_loss", "final_accuracy", "memoryless_baseline", "seconds");
            Console.WriteLine($"run directory: {dir}");
            return 0;
        }));
        return command;
    }
}
