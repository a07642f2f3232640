namespace NnRnn.Experiments.Training;

/// <summary>
/// Where a run is: <see cref="Epoch"/> epochs completed, <see cref="Batch"/> updates into the
/// current one, <see cref="Updates"/> since the start. Synthetic tasks run one epoch of every update.
/// </summary>
public sealed record TrainingPosition(int Epoch, int Batch, long Updates);
