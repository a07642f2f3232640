using NnRnn.Experiments.Runs;
using NnRnn.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Training;

/// <summary>
/// What a task adds to the <see cref="Trainer"/>'s loop (a strategy): its data, model and
/// optimizer, one update, what happens at the end of an epoch, its checkpoint state and its
/// summary. A new task derives from <see cref="TrainingTask{TState}"/> and nothing else changes.
/// </summary>
public abstract class TrainingTask : IDisposable
{
    /// <summary>The command name (copytask, adding, psmnist, ptb): run directory names and summaries.</summary>
    public abstract string Name { get; }

    /// <summary>The header of metrics.csv.</summary>
    public abstract IReadOnlyList<string> Columns { get; }

    /// <summary>Epochs of the run (synthetic tasks: one epoch of every update).</summary>
    public abstract int Epochs { get; }

    /// <summary>Updates per epoch (known once <see cref="Build"/> ran).</summary>
    public abstract int UpdatesPerEpoch { get; }

    /// <summary>The trained model (saved as model.pt and in checkpoints).</summary>
    public abstract nn.Module Model { get; }

    public abstract RecurrentOptimizer Optimizer { get; }

    /// <summary>What the task reports when the run starts.</summary>
    public abstract TaskDetails Details { get; }

    /// <summary>
    /// Where the model, its optimizer state and the batches live (set before <see cref="Build"/>).
    /// Models are built on the CPU and moved, and data is drawn by CPU generators and moved, so one
    /// seed gives the same initial weights and the same batches on every device.
    /// </summary>
    public Device Device { get; set; } = CPU;

    /// <summary>Moves a freshly built model to <see cref="Device"/> (before its optimizer is built: the move replaces the parameters).</summary>
    protected T Place<T>(T model) where T : nn.Module => DevicePlacement.Model(model, Device);

    /// <summary>A tensor this task made on the CPU (a batch, the corpus, carried state) on <see cref="Device"/>; the CPU original is disposed when it moved.</summary>
    protected Tensor Place(Tensor tensor) => DevicePlacement.Tensor(tensor, Device);

        /// <summary>Reads the data; runs before the generators are seeded (the data may not depend on them).</summary>
    public virtual void LoadData() { }

    /// <summary>Builds the model and the optimizer, and registers the task's own generators.</summary>
    public abstract void Build(RunGenerators generators);

    /// <summary>Writes the task's state (position, running sums, extra tensors) into a checkpoint.</summary>
    public abstract void SaveState(Checkpoint checkpoint, TrainingPosition position);

    /// <summary>Restores what <see cref="SaveState"/> wrote; returns the position to continue from.</summary>
    public abstract TrainingPosition LoadState(Checkpoint checkpoint);

    /// <summary>Reconciles the run directory with the position (fresh or resumed): rows already written, files of the checkpoint.</summary>
    public virtual void Opened(RunSession session, TrainingPosition position) { }

    /// <summary>Before the first update of an epoch (also a resumed, partly trained one).</summary>
    public virtual void BeginEpoch(TrainingPosition position) { }

    /// <summary>One update at <paramref name="position"/> (before it); runs inside a dispose scope.</summary>
    public abstract UpdateResult Update(TrainingPosition position);

    /// <summary>After an update (<paramref name="position"/> counts it): a metrics row, or null when rows are per epoch.</summary>
    public virtual MetricsRow? AfterUpdate(TrainingPosition position, UpdateResult result, double milliseconds) => null;

    /// <summary>The end of an epoch (evaluation, best model, schedule): its metrics row, or null.</summary>
    public virtual MetricsRow? EndEpoch(TrainingPosition position, RunDirectory directory) => null;

    /// <summary>After the last epoch and model.pt: test scores, and the summary to write.</summary>
    public abstract RunSummary Finish(RunDirectory directory, double seconds, long parameters);

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>A <see cref="TrainingTask"/> whose checkpoint state is the typed record <typeparamref name="TState"/>.</summary>
public abstract class TrainingTask<TState> : TrainingTask where TState : class
{
    public sealed override void SaveState(Checkpoint checkpoint, TrainingPosition position)
    {
        checkpoint.PutState(Capture(position));
        SaveTensors(checkpoint);
    }

    public sealed override TrainingPosition LoadState(Checkpoint checkpoint)
    {
        var position = Restore(checkpoint.GetState<TState>());
        LoadTensors(checkpoint);
        return position;
    }

    /// <summary>The state to checkpoint at <paramref name="position"/>.</summary>
    protected abstract TState Capture(TrainingPosition position);

    /// <summary>Takes the state back; returns the position.</summary>
    protected abstract TrainingPosition Restore(TState state);

    /// <summary>Extra tensors (best model, carried state).</summary>
    protected virtual void SaveTensors(Checkpoint checkpoint) { }

    protected virtual void LoadTensors(Checkpoint checkpoint) { }
}
