using System.Globalization;

namespace NnRnn.Experiments.Sweeps;

/// <summary>
/// Sweep progress as plain lines (for logs, CI and pipes): every start and end at once, and each
/// running run's progress at most once per <paramref name="interval"/>.
/// </summary>
public sealed class PlainSweepObserver(TextWriter output, TimeSpan interval) : ISweepObserver
{
    private readonly Dictionary<string, DateTime> lastShown = [];
    private readonly object gate = new();
    private int total, ended;

    public void SweepStarted(string sweep, int total, int alreadyFinished)
    {
        this.total = total;
        ended = alreadyFinished;
        Write($"sweep {sweep}: {total} run(s), {alreadyFinished} already ended, {total - alreadyFinished} to run");
    }

    public void RunStarted(string label) => Write($"[{ended}/{total}] {label}: started");

    public void RunProgress(string label, long position, long total, double? loss, double? accuracy)
    {
        lock (gate)
        {
            var now = DateTime.UtcNow;
            if (lastShown.TryGetValue(label, out var last) && now - last < interval) return;
            lastShown[label] = now;
        }
        var text = $"[{ended}/{this.total}] {label}: {position}/{total}";
        if (loss is { } l) text += $" loss {l.ToString("G5", CultureInfo.InvariantCulture)}";
        if (accuracy is { } a) text += $" accuracy {a.ToString("G5", CultureInfo.InvariantCulture)}";
        Write(text);
    }

    public void RunEnded(string label, string status)
    {
        Interlocked.Increment(ref ended);
        Write($"[{ended}/{total}] {label}: {status}");
    }

    public void SweepEnded(int finished, int failed) => Write($"sweep done: {finished} finished, {failed} not finished");

    private void Write(string line)
    {
        lock (gate) output.WriteLine(line);
    }
}
