using System.Text.Json;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;

namespace NnRnn.Experiments.TensorBoard;

/// <summary>
/// <c>--tensorboard DIR</c>: the run's scalars as TensorBoard event files in DIR/RUN_NAME (RUN_NAME
/// the run directory's name, so runs sharing DIR appear side by side). Step = update. Every
/// update: <c>train/lr</c>, and the update's loss (<c>train/loss</c>, plus accuracy and BPC where
/// the task measures them) unless metrics.csv has a row per update, whose columns are written
/// instead (<c>train/COLUMN</c>); a per-epoch row's columns go to <c>epoch/COLUMN</c> at the
/// epoch's last update; the summary's numbers to <c>summary/NAME</c>. A resumed run starts a new
/// file with a session start, so TensorBoard drops what the interrupted session logged past the checkpoint.
/// </summary>
public sealed class TensorBoardObserver(string root) : ITrainingObserver, IDisposable
{
    private static readonly HashSet<string> NotScalars = ["step", "epoch", "ms", "seconds", "parameters"];

    private EventFileWriter? writer;
    private bool resumed, perUpdateRows, started;
    private long lastUpdate;

    /// <summary>The event file (null before the run started).</summary>
    public string? File => writer?.Path;

    public void RunStarted(RunStarted run)
    {
        writer ??= new EventFileWriter(Path.Combine(root, Path.GetFileName(Path.GetFullPath(run.Directory).TrimEnd(Path.DirectorySeparatorChar))));
        resumed = run.Resumed;
    }

    public void MetricsRowWritten(MetricsRow row)
    {
        if (writer is null) return;
        var columns = row.Columns;
        var values = row.Values();
        perUpdateRows = columns[0] == "step";
        long step = perUpdateRows ? Convert.ToInt64(values[0]) : lastUpdate;
        Start(step);
        writer.Scalars(step, columns.Zip(values)
            .Where(c => !NotScalars.Contains(c.First) && c.Second is double or float or int or long)
            .Select(c => ((perUpdateRows ? "train/" : "epoch/") + c.First, Convert.ToDouble(c.Second))));
    }

    public void Updated(UpdateProgress update)
    {
        if (writer is null) return;
        lastUpdate = update.Update;
        Start(update.Update);
        var scalars = new List<(string, double)> { ("train/lr", update.LearningRate) };
        if (!perUpdateRows)
        {
            scalars.Add(("train/loss", update.Result.Loss));
            switch (update.Result)
            {
                case TokenUpdate t:
                    scalars.Add(("train/bpc", t.Stats.Bpc));
                    scalars.Add(("train/accuracy", t.Stats.Accuracy));
                    break;
                case ClassifierUpdate c:
                    scalars.Add(("train/accuracy", c.Accuracy));
                    break;
            }
        }
        writer.Scalars(update.Update, scalars);
    }

    public void RunEnded(RunEnded end)
    {
        if (writer is null) return;
        if (end.Summary is { } summary)
        {
            var json = JsonSerializer.SerializeToElement(summary, summary.GetType());
            writer.Scalars(lastUpdate, json.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.Number && !NotScalars.Contains(p.Name))
                .Select(p => ("summary/" + p.Name, p.Value.GetDouble())));
        }
        Dispose();
    }

    public void Dispose()
    {
        writer?.Dispose();
        writer = null;
    }

    /// <summary>Before the first event of a resumed session: the session start at its first step.</summary>
    private void Start(long step)
    {
        if (started) return;
        started = true;
        if (resumed) writer!.SessionStart(step);
    }
}
