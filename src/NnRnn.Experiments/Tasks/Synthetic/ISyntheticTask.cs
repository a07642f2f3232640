using NnRnn.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Tasks;

/// <summary>
/// A synthetic task with fresh random data at every update (copy task, adding problem). It sees
/// only tensors: the model's outputs at every step [T, B, Outputs]; it knows nothing about cells.
/// </summary>
public interface ISyntheticTask
{
    /// <summary>The command name (copytask, adding).</summary>
    string Name { get; }

    int InputSize { get; }

    /// <summary>Width of the model's output at each step.</summary>
    int Outputs { get; }

    int SequenceLength { get; }

    /// <summary>A fresh batch: inputs [T, B, InputSize] and targets.</summary>
    (Tensor Input, Tensor Target) Batch(int batch, Generator generator);

    /// <summary>
    /// Whether the reference script draws this task's batches from numpy's global stream, seeded
    /// with the run's seed and shared with the model's numpy draws (copytask.py); then training
    /// draws them with <see cref="Batch(int, NumpyRandomState)"/>.
    /// </summary>
    bool ReferenceDrawsWithNumpy => false;

    /// <summary>A fresh batch drawn from numpy's stream as the reference script draws it.</summary>
    (Tensor Input, Tensor Target) Batch(int batch, NumpyRandomState numpy)
        => throw new NotSupportedException($"the reference's {Name} does not draw its batches from numpy");

    /// <summary>The training loss from the outputs at every step.</summary>
    Tensor Loss(Tensor outputs, Tensor target);

    /// <summary>Name of the secondary metric (e.g. accuracy), or null when there is none.</summary>
    string? ScoreName { get; }

    double Score(Tensor outputs, Tensor target);

    /// <summary>The loss of the best model without memory, and its name in summary.json.</summary>
    double Baseline { get; }

    string BaselineName { get; }

    /// <summary>The run's summary: <paramref name="common"/> plus the task's baseline and scores (the last <see cref="SyntheticTaskTraining.FinalWindow"/>).</summary>
    SyntheticTaskSummary Summary(SyntheticTaskSummary common, IReadOnlyList<double> lastScores);
}
