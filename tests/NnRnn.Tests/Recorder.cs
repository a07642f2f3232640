using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Training;

namespace NnRnn.Tests;

/// <summary>An observer that keeps every event of a run.</summary>
internal sealed class Recorder : ITrainingObserver
{
    public List<UpdateProgress> Updates { get; } = [];

    public List<MetricsRow> Rows { get; } = [];

    public List<RunStarted> Starts { get; } = [];

    public List<RunEnded> Ends { get; } = [];

    public void RunStarted(RunStarted run) => Starts.Add(run);

    public void Updated(UpdateProgress update) => Updates.Add(update);

    public void MetricsRowWritten(MetricsRow row) => Rows.Add(row);

    public void RunEnded(RunEnded end) => Ends.Add(end);
}
