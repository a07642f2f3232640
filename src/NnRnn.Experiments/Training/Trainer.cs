using System.Diagnostics;
using NnRnn.Cells;
using NnRnn.Experiments.Runs;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Training;

/// <summary>
/// The one training loop of every task: seeding, resume, updates, metrics rows, checkpoints,
/// stop-after, progress events, model.pt and summary.json. The task (<see cref="TrainingTask"/>)
/// supplies the data, the update and the end of an epoch; observers watch.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// A new run in <paramref name="outDir"/>. Options, data and model are checked before anything
    /// is written (bad options throw <see cref="ArgumentException"/>; a missing dataset leaves no directory).
    /// </summary>
    /// <returns>
    /// The summary (<see cref="RunStatus.Diverged"/> when a non-finite value stopped the run), or null
    /// when <see cref="RunControl.StopAfter"/> stopped the session early.
    /// </returns>
    public static RunSummary? Run(RunOptions options, string outDir, RunControl? control = null, params ITrainingObserver[] observers)
    {
        options.Validate();
        var resolved = options.Resolve().WithAbsolutePaths();
        control ??= new();
        using var task = resolved.CreateTask();
        return Train(task, resolved, () => RunSession.Start(outDir, resolved, control, [.. task.Columns]), outDir, false,
            control, observers);
    }

    /// <summary>
    /// Continues the run in <paramref name="runDir"/> from its last checkpoint (its options.json gives
    /// every option). A run of another task is refused naming it; a finished run throws
    /// <see cref="RunFinishedException"/> and is left untouched.
    /// </summary>
    public static RunSummary? Resume<TOptions>(string runDir, RunControl? control = null, params ITrainingObserver[] observers)
        where TOptions : RunOptions, new()
    {
        var options = RunSession.ReadOptions<TOptions>(runDir);
        if (RunSession.IsFinished(runDir)) throw new RunFinishedException(runDir, options.TaskName, RunSession.EndStatus(runDir));
        options.Validate();
        control ??= new();
        using var task = options.CreateTask();
        return Train(task, options, () => RunSession.Resume(runDir, control, [.. task.Columns]), runDir, true,
            control, observers);
    }

    private static RunSummary? Train(TrainingTask task, RunOptions options, Func<RunSession> open, string dir, bool resuming,
        RunControl control, ITrainingObserver[] watchers)
    {
        using var tensorboard = options.TensorBoard is { } logs ? new TensorBoard.TensorBoardObserver(logs) : null;
        var observers = new Observers(tensorboard is null ? watchers : [.. watchers, tensorboard]);
        control.Validate();
        set_num_threads(options.Threads);
        task.LoadData();
        using var generators = new RunGenerators();
        generators.Seed(options.RandomSeed);
        task.Device = control.Device ?? CPU;
        task.Build(generators);
        // A checkpoint's weights replace these on resume; --init-from's only start a fresh run.
        if (!resuming && options.InitFrom is { } weights) InitialWeights.Load(task.Model, task.Optimizer, weights);
        long parameters = task.Model.parameters().Sum(p => p.numel());

        // Locked for as long as the session lives; a damaged newest checkpoint falls back to the previous one.
        // Observers hear of the run only once the lock is held: a run store may then trust that a
        // run recorded as running whose lock is free has died.
        using var session = open();
        observers.RunStarted(new RunStarted(task.Name, options, dir, resuming, parameters, task.Details));
        if (session.Notice is { } notice) observers.Warned(notice);
        var position = new TrainingPosition(0, 0, 0);
        if (session.Checkpoint is { } checkpoint)
        {
            checkpoint.LoadModule("model", task.Model);
            checkpoint.LoadOptimizers(task.Optimizer);
            generators.Load(checkpoint);
            position = task.LoadState(checkpoint);
        }
        task.Opened(session, position);

        void Append(MetricsRow row)
        {
            session.Metrics.Append(row.Values());
            observers.MetricsRowWritten(row);
        }

        void SaveCheckpoint(TrainingPosition at)
        {
            var checkpoint = new Checkpoint();
            checkpoint.PutModule("model", task.Model);
            checkpoint.PutOptimizers(task.Optimizer);
            generators.Save(checkpoint);
            task.SaveState(checkpoint, at);
            session.SaveCheckpoint(checkpoint);
        }

        var total = Stopwatch.StartNew();
        int thisSession = 0;
        try
        {
            while (position.Epoch < task.Epochs)
            {
                task.BeginEpoch(position);
                int batches = task.UpdatesPerEpoch;
                while (position.Batch < batches)
                {
                    var watch = Stopwatch.StartNew();
                    UpdateResult result;
                    using (NewDisposeScope()) result = task.Update(position);
                    position = position with { Batch = position.Batch + 1, Updates = position.Updates + 1 };
                    double ms = watch.Elapsed.TotalMilliseconds;
                    // A non-finite loss or gradient ends the run here: no row, no checkpoint of the parameters it stepped to.
                    CheckFinite(position, result.Loss, task.Optimizer.GradientNorm);
                    if (task.AfterUpdate(position, result, ms) is { } row) Append(row);
                    observers.Updated(new UpdateProgress(position.Epoch + 1, task.Epochs, position.Batch, batches, position.Updates, ms,
                        task.Optimizer.LearningRate, result));
                    if (position.Updates % session.CheckpointEvery == 0 && position.Batch < batches) SaveCheckpoint(position);
                    bool last = position.Epoch == task.Epochs - 1 && position.Batch == batches;
                    if (++thisSession == control.StopAfter && !last)
                    {
                        observers.RunEnded(new RunEnded(dir, null));
                        return null;
                    }
                }
                var epochRow = task.EndEpoch(position, session.Directory);
                position = new TrainingPosition(position.Epoch + 1, 0, position.Updates);
                if (epochRow is not null) Append(epochRow);
                SaveCheckpoint(position);
            }

            session.Directory.SaveModel("model.pt", task.Model);
            var summary = task.Finish(session.Directory, Math.Round(total.Elapsed.TotalSeconds, 3), parameters);
            session.Directory.WriteJson(RunSession.SummaryFile, summary);
            observers.RunEnded(new RunEnded(dir, summary));
            return summary;
        }
        catch (RunDivergedException e)
        {
            session.Metrics.Flush();
            var summary = new DivergedSummary
            {
                Status = RunStatus.Diverged,
                Task = task.Name,
                NetType = SeedNames.Of(options.NetType),
                Seconds = Math.Round(total.Elapsed.TotalSeconds, 3),
                Parameters = parameters,
                Divergence = e.Divergence,
            };
            session.Directory.WriteJson(RunSession.SummaryFile, summary);
            observers.RunEnded(new RunEnded(dir, summary));
            return summary;
        }
    }

    /// <summary>Throws <see cref="RunDivergedException"/> for a non-finite loss or gradient norm after the update <paramref name="at"/> counts.</summary>
    private static void CheckFinite(TrainingPosition at, double loss, double gradientNorm)
    {
        if (!double.IsFinite(loss)) throw new RunDivergedException(new(at.Updates, at.Epoch + 1, "loss", loss));
        if (!double.IsFinite(gradientNorm)) throw new RunDivergedException(new(at.Updates, at.Epoch + 1, "gradient norm", gradientNorm));
    }
}

/// <summary>Resuming a run that has ended (its summary.json exists): nothing is done, nothing is changed.</summary>
public sealed class RunFinishedException(string directory, string task, string status)
    : Exception($"{directory} is a {status} {task} run (summary.json exists); nothing to resume")
{
    public string Directory { get; } = directory;
}
