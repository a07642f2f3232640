using System.CommandLine;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary><c>nnrnn ptb</c>: character-level Penn Treebank language modelling; writes a run directory.</summary>
public static class PtbCommand
{
    public static Command Create() => TrainingCommand.Create<PtbOptions, PtbDisplay>(
        "ptb", "Character-level Penn Treebank language modelling (paper §5.3).",
        new ResumeOptions(100, "training windows (and after every epoch)"), "--save");
}

/// <summary>The console view of a PTB run: the training statistics every <c>--log-interval</c> windows and one line per epoch.</summary>
public sealed class PtbDisplay : ITrainingObserver
{
    private int logInterval = 1;
    private TokenStats interval;
    private int windows;
    private double milliseconds;

    public void RunStarted(RunStarted run)
    {
        var o = (PtbOptions)run.Options;
        logInterval = o.LogInterval;
        var start = (PtbTraining.PtbDetails)run.Details;
        var c = start.Corpus;
        Console.WriteLine(
            $"ptb {SeedNames.Of(o.NetType)} N={o.HiddenSize} emsize={o.Emsize} bptt={o.Bptt} batch={o.Batch} epochs={o.Epochs} {(run.Resumed ? "resuming " : "")}-> {run.Directory}");
        Console.WriteLine($"corpus: {start.DataFolder}");
        Console.WriteLine($"vocabulary {c.Vocabulary.Count}, tokens train {c.Train.Length} valid {c.Valid.Length} test {c.Test.Length}; " +
                          $"{start.WindowsPerEpoch} windows per epoch; {run.Parameters} parameters");
        AnsiConsole.MarkupLineInterpolated($"unigram entropy of the training text: [yellow]{c.TrainUnigramEntropyNats / Math.Log(2):F4}[/] bits per character");
    }

    public void Updated(UpdateProgress w)
    {
        if (w.Result is not TokenUpdate t) return;
        interval += t.Stats;
        windows++;
        milliseconds += w.Milliseconds;
        if (w.Batch % logInterval == 0 || w.Batch == w.Batches)
        {
            ConsoleMode.Line($"| epoch {w.Epoch,3} | {w.Batch,5}/{w.Batches,5} windows | lr {w.LearningRate:G4} | {milliseconds / windows,8:F1} ms/window " +
                              $"| loss {interval.Loss:F4} | bpc {interval.Bpc:F4} | acc {interval.Accuracy:F4}");
            (interval, windows, milliseconds) = (new TokenStats(), 0, 0);
        }
    }

    public void MetricsRowWritten(MetricsRow row)
    {
        if (row is not PtbEpochRow e) return;
        ConsoleMode.Line($"| end of epoch {e.Epoch,3}/{e.Epochs} | {e.ExactSeconds,7:F1} s | train bpc {e.Train.Bpc:F4} | valid loss {e.Valid.Loss:F4} " +
                          $"| valid bpc {e.Valid.Bpc:F4} | valid acc {e.Valid.Accuracy:F4} | {(e.Improved ? "best so far" : "no improvement: learning rates halved")}");
    }
}
