using System.CommandLine;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary><c>nnrnn psmnist</c>: trains a classifier on (permuted) sequential MNIST and writes a run directory.</summary>
public static class PsmnistCommand
{
    public static Command Create() => TrainingCommand.Create<PsmnistOptions, PsmnistDisplay>(
        PsmnistTraining.Task, "Train on (permuted) sequential MNIST (paper §5.2).", new ResumeOptions(200, "updates (and after every epoch)"));
}

/// <summary>The console view of a psMNIST run: one line per epoch, and the epoch's running means every <see cref="UpdateLineEvery"/> updates.</summary>
public sealed class PsmnistDisplay : ITrainingObserver
{
    /// <summary>A progress line inside an epoch every this many updates.</summary>
    public const int UpdateLineEvery = 200;

    private double milliseconds;
    private int count, epochs;

    public void RunStarted(RunStarted run)
    {
        var o = (PsmnistOptions)run.Options;
        epochs = o.Epochs;
        var data = ((PsmnistTraining.PsmnistDetails)run.Details).Data;
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]psmnist[/] {SeedNames.Of(o.NetType)} N={o.HiddenSize} {o.Dataset.ToLowerInvariant()}{(data.Permuted ? " permuted" : "")} {data.Pixels} steps batch={o.Batch} epochs={o.Epochs} {(run.Resumed ? "resuming " : "")}-> {run.Directory}");
        AnsiConsole.MarkupLineInterpolated(
            $"images: train [yellow]{data.TrainCount}[/], validation [yellow]{data.ValidCount}[/], test [yellow]{data.TestCount}[/]");
    }

    public void Updated(UpdateProgress u)
    {
        milliseconds += u.Milliseconds;
        count++;
        if (u.Update % UpdateLineEvery == 0 && u.Batch < u.Batches && u.Result is ClassifierUpdate c)
        {
            ConsoleMode.Line($"  epoch {u.Epoch,3} batch {u.Batch,5}/{u.Batches}  loss {c.EpochLoss:F5}  acc {c.EpochAccuracy:F4}  {milliseconds / count,7:F1} ms/update");
            milliseconds = 0;
            count = 0;
        }
    }

    public void MetricsRowWritten(Experiments.Runs.MetricsRow row)
    {
        if (row is not PsmnistEpochRow e) return;
        ConsoleMode.Line($"epoch {e.Epoch,3}/{epochs}  train loss {e.TrainLoss:F5} acc {e.TrainAccuracy:F4}  " +
                          $"valid loss {e.ValidLoss:F5} acc {e.ValidAccuracy:F4}{(e.Best ? " *" : "  ")}  {e.Seconds:F1} s");
        milliseconds = 0;
        count = 0;
    }
}
