using System.CommandLine;
using NnRnn.Experiments.Training;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary><c>nnrnn ptb</c>: character-level Penn Treebank language modelling; writes a run directory.</summary>
public static class PtbCommand
{
    public static Command Create()
    {
        var d = new PtbOptions();
        var resume = new ResumeOptions(100, "training windows (and after every epoch)");
        var emsize = CommandLine.Option("--emsize", "size of the character embeddings", d.Emsize);
        var epochs = CommandLine.Option("--epochs", "number of epochs", d.Epochs);
        var bptt = CommandLine.Option("--bptt", "length of a truncated-BPTT window", d.Bptt);
        var evalBatch = CommandLine.Option("--eval-batch", "columns of the validation and test texts", d.EvalBatch);
        var logInterval = CommandLine.Option("--log-interval", "print the training loss every N windows", d.LogInterval);
        var maxWindows = CommandLine.Option("--max-windows", "train on at most N windows per epoch (0: all; for quick runs)", d.MaxWindows);
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "directory with ptb.char.{train,valid,test}.txt (or {train,valid,test}.txt), or a data root with them in ptb/ " +
                          "(default: the ptb folder of $NNRNN_DATA or ~/.cache/nnrnn)",
        };
        var own = new Option[] { emsize, epochs, bptt, evalBatch, logInterval, maxWindows, dataDir };

        return TrainingCommand.Create("ptb", "Character-level Penn Treebank language modelling (paper §5.3).", d, own, resume,
            (r, o) => o with
            {
                Emsize = r.GetValue(emsize), Epochs = r.GetValue(epochs), Bptt = r.GetValue(bptt), EvalBatch = r.GetValue(evalBatch),
                LogInterval = r.GetValue(logInterval), MaxWindows = r.GetValue(maxWindows), DataDir = r.GetValue(dataDir),
            },
            (options, dir, control) => PtbRun.Run(options, dir, control, new ProgressPrinter().Update, start => Header(options, start, dir)),
            (dir, control) => PtbRun.Resume(dir, control, new ProgressPrinter().Update,
                start => Header(RunSession.ReadOptions<PtbOptions>(dir), start, dir)),
            _ => new[] { "best_epoch", "valid_bpc", "valid_accuracy", "test_loss", "test_bpc", "test_accuracy",
                "train_unigram_entropy_bpc", "halvings", "seconds" },
            "--save");
    }

    private static void Header(PtbOptions o, PtbStart start, string dir)
    {
        var c = start.Corpus;
        Console.WriteLine(
            $"ptb {o.NetType} N={o.Nhid} emsize={o.Emsize} bptt={o.Bptt} batch={o.Batch} epochs={o.Epochs} {(start.Resumed ? "resuming " : "")}-> {dir}");
        Console.WriteLine($"corpus: {start.DataFolder}");
        Console.WriteLine($"vocabulary {c.Vocabulary.Count}, tokens train {c.Train.Length} valid {c.Valid.Length} test {c.Test.Length}; " +
                          $"{start.WindowsPerEpoch} windows per epoch; {start.Parameters} parameters");
        AnsiConsole.MarkupLineInterpolated($"unigram entropy of the training text: [yellow]{c.TrainUnigramEntropyNats / Math.Log(2):F4}[/] bits per character");
    }

    private sealed class ProgressPrinter
    {
        public void Update(PtbProgress p)
        {
            switch (p)
            {
                case PtbWindowProgress w:
                    Console.WriteLine($"| epoch {w.Epoch,3} | {w.Window,5}/{w.Windows,5} windows | lr {w.LearningRate:G4} | {w.MsPerWindow,8:F1} ms/window " +
                                      $"| loss {w.Interval.Loss:F4} | bpc {w.Interval.Bpc:F4} | acc {w.Interval.Accuracy:F4}");
                    break;
                case PtbEpochProgress e:
                    Console.WriteLine($"| end of epoch {e.Epoch,3}/{e.Epochs} | {e.Seconds,7:F1} s | train bpc {e.Train.Bpc:F4} | valid loss {e.Valid.Loss:F4} " +
                                      $"| valid bpc {e.Valid.Bpc:F4} | valid acc {e.Valid.Accuracy:F4} | {(e.Improved ? "best so far" : "no improvement: learning rates halved")}");
                    break;
            }
        }
    }
}
