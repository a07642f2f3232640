using NnRnn.Experiments.Runs;

namespace NnRnn.Experiments.Training;

/// <summary>
/// Watches a run as the <see cref="Trainer"/> drives it: the console display, and later a run
/// store or a TensorBoard writer, are observers. Every method has an empty default, so an
/// observer implements only what it shows. Events arrive on the training thread, in order.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>Data and model are ready, the run directory is open (fresh or resumed).</summary>
    void RunStarted(RunStarted run) { }

    /// <summary>Something the user should know, one line (e.g. resuming from the previous checkpoint because the newest is damaged).</summary>
    void Warned(string message) { }

    /// <summary>After every update.</summary>
    void Updated(UpdateProgress update) { }

    /// <summary>After a row was appended to metrics.csv (every update or every epoch, by task).</summary>
    void MetricsRowWritten(MetricsRow row) { }

    /// <summary>The run finished or diverged (summary written) or this session stopped early (<see cref="RunEnded.Summary"/> null).</summary>
    void RunEnded(RunEnded end) { }
}

/// <summary>What a run is about to train.</summary>
/// <param name="Task">The task's command name (copytask, adding, psmnist, ptb).</param>
/// <param name="Options">The run's resolved options.</param>
/// <param name="Directory">The run directory.</param>
/// <param name="Resumed">True when continuing from a checkpoint.</param>
/// <param name="Parameters">Trained scalars in the model.</param>
/// <param name="Details">What the task reports about its data (e.g. image or token counts).</param>
public sealed record RunStarted(string Task, RunOptions Options, string Directory, bool Resumed, long Parameters, TaskDetails Details);

/// <summary>Task-specific facts shown when a run starts.</summary>
public abstract record TaskDetails;

/// <summary>One update done.</summary>
/// <param name="Epoch">1-based epoch (synthetic tasks have one).</param>
/// <param name="Batch">1-based update within the epoch.</param>
/// <param name="Update">Updates since the run began.</param>
/// <param name="LearningRate">The main optimizer's learning rate after the update.</param>
/// <param name="Result">The task's statistics of this update.</param>
public sealed record UpdateProgress(int Epoch, int Epochs, int Batch, int Batches, long Update, double Milliseconds,
    double LearningRate, UpdateResult Result);

/// <summary>What one update measured; tasks derive their own.</summary>
/// <param name="Loss">The task loss of the update's batch (as logged by the reference).</param>
public abstract record UpdateResult(double Loss);

/// <summary>How a run ended.</summary>
/// <param name="Summary">The summary written to summary.json, or null when the session stopped early.</param>
public sealed record RunEnded(string Directory, RunSummary? Summary);

/// <summary>Sends every event to several observers.</summary>
internal sealed class Observers(IEnumerable<ITrainingObserver> observers) : ITrainingObserver
{
    private readonly ITrainingObserver[] all = observers.ToArray();

    public void RunStarted(RunStarted run) { foreach (var o in all) o.RunStarted(run); }

    public void Warned(string message) { foreach (var o in all) o.Warned(message); }

    public void Updated(UpdateProgress update) { foreach (var o in all) o.Updated(update); }

    public void MetricsRowWritten(MetricsRow row) { foreach (var o in all) o.MetricsRowWritten(row); }

    public void RunEnded(RunEnded end) { foreach (var o in all) o.RunEnded(end); }
}
