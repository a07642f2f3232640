using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary>The console view of a synthetic-task run: a header with the baseline, then the mean loss about 30 times per run.</summary>
public sealed class SyntheticTaskDisplay : ITrainingObserver
{
    private double window;
    private int count;

    public void RunStarted(RunStarted run)
    {
        var o = run.Options;
        var task = o switch
        {
            CopyTaskOptions c => $"T={c.Delay} c={c.CopyLength}",
            AddingOptions a => $"length={a.SequenceLength} markers={a.Markers}",
            _ => "",
        };
        AnsiConsole.MarkupLineInterpolated($"[bold]{run.Task}[/] {SeedNames.Of(o.NetType)} N={o.HiddenSize} {task} batch={o.Batch} {(run.Resumed ? "resuming " : "")}-> {run.Directory}");
        if (run.Details is SyntheticTaskTraining.SyntheticTaskDetails { Task: var t })
            AnsiConsole.MarkupLineInterpolated($"baseline loss ({t.BaselineName}): [yellow]{t.Baseline:F4}[/]");
    }

    public void Updated(UpdateProgress p)
    {
        window += p.Result.Loss;
        count++;
        int every = Math.Max(1, p.Batches / 30);
        if (p.Batch % every == 0 || p.Batch == p.Batches)
        {
            var score = p.Result is SyntheticTaskUpdate { Score: var s } && !double.IsNaN(s) ? $"  score {s:F3}" : "";
            ConsoleMode.Line($"step {p.Batch,6}/{p.Batches}  loss {window / count:F5}{score}  {p.Milliseconds,7:F1} ms/update");
            window = 0;
            count = 0;
        }
    }
}
