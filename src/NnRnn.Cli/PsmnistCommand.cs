using System.CommandLine;
using NnRnn.Experiments.Data;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary><c>nnrnn psmnist</c>: trains a classifier on (permuted) sequential MNIST and writes a run directory.</summary>
public static class PsmnistCommand
{
    /// <summary>A progress line inside an epoch every this many updates.</summary>
    public const int UpdateLineEvery = 200;

    public static Command Create()
    {
        var d = new PsmnistOptions();
        var resume = new ResumeOptions(200, "updates (and after every epoch)");
        var epochs = CommandLine.Option("--epochs", "number of epochs", d.Epochs);
        var permute = CommandLine.Option("--permute", "feed the pixels in a fixed random order (seed 1234, independent of --random-seed)", false);
        var saveFreq = CommandLine.Option("--save-freq", "also save the model every K epochs (model_epochK.pt; 0: never)", d.SaveFreq);
        var dataset = CommandLine.Option("--dataset", "mnist or fashion-mnist", d.Dataset);
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = $"data root holding mnist/ and fashion-mnist/, or a folder with the IDX files themselves (default here: {DataDirectory.DefaultRoot()}; ${DataDirectory.EnvironmentVariable} sets it)",
        };
        var valSize = new Option<int?>("--val-size") { Description = "validation images split off the training file (default 10000, or a sixth of a smaller file)" };
        var limitTrain = new Option<int?>("--limit-train") { Description = "train on the first N images of the train part only (validation is unchanged)" };
        var limitTest = new Option<int?>("--limit-test") { Description = "test on the first N test images only" };
        var own = new Option[] { epochs, permute, saveFreq, dataset, dataDir, valSize, limitTrain, limitTest };

        return TrainingCommand.Create(PsmnistRun.Task, "Train on (permuted) sequential MNIST (paper §5.2).", d, own, resume,
            (r, o) => o with
            {
                Epochs = r.GetValue(epochs), Permute = r.GetValue(permute), SaveFreq = r.GetValue(saveFreq),
                Dataset = r.GetValue(dataset)!, DataDir = r.GetValue(dataDir), ValSize = r.GetValue(valSize),
                LimitTrain = r.GetValue(limitTrain), LimitTest = r.GetValue(limitTest),
            },
            (options, dir, control) => PsmnistRun.Run(options, dir, control, new ProgressPrinter().Update, data => Header(options, data, dir, false)),
            (dir, control) => PsmnistRun.Resume(dir, control, new ProgressPrinter().Update,
                data => Header(RunSession.ReadOptions<PsmnistOptions>(dir), data, dir, true)),
            _ => new[] { "best_epoch", "best_valid_loss", "best_valid_accuracy", "test_loss", "test_accuracy", "seconds" });
    }

    private static void Header(PsmnistOptions o, SequentialMnist data, string dir, bool resumed)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]psmnist[/] {o.NetType} N={o.Nhid} {o.Dataset.ToLowerInvariant()}{(data.Permuted ? " permuted" : "")} {data.Pixels} steps batch={o.Batch} epochs={o.Epochs} {(resumed ? "resuming " : "")}-> {dir}");
        AnsiConsole.MarkupLineInterpolated(
            $"images: train [yellow]{data.TrainCount}[/], validation [yellow]{data.ValidCount}[/], test [yellow]{data.TestCount}[/]");
    }

    /// <summary>One line per epoch, and the epoch's running means every <see cref="UpdateLineEvery"/> updates.</summary>
    private sealed class ProgressPrinter
    {
        private double milliseconds;
        private int count;

        public void Update(PsmnistProgress p)
        {
            switch (p)
            {
                case PsmnistUpdate u:
                    milliseconds += u.Milliseconds;
                    count++;
                    if (u.Update % UpdateLineEvery == 0 && u.Batch < u.Batches)
                    {
                        Console.WriteLine($"  epoch {u.Epoch,3} batch {u.Batch,5}/{u.Batches}  loss {u.EpochLoss:F5}  acc {u.EpochAccuracy:F4}  {milliseconds / count,7:F1} ms/update");
                        milliseconds = 0;
                        count = 0;
                    }
                    break;
                case PsmnistEpoch e:
                    Console.WriteLine($"epoch {e.Epoch,3}/{e.Epochs}  train loss {e.TrainLoss:F5} acc {e.TrainAccuracy:F4}  " +
                                      $"valid loss {e.ValidLoss:F5} acc {e.ValidAccuracy:F4}{(e.Best ? " *" : "  ")}  {e.Seconds:F1} s");
                    milliseconds = 0;
                    count = 0;
                    break;
            }
        }
    }
}
