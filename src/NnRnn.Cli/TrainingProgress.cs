using System.Globalization;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;

namespace NnRnn.Cli;

/// <summary>
/// What the live display shows of a run, from its updates: position (epoch and update), smoothed
/// loss and accuracy, rate and the time left. Pure state and text, so it is tested without a terminal.
/// </summary>
public sealed class TrainingProgress
{
    /// <summary>Weight of the newest update in the smoothed loss, accuracy and update time (≈ the last 50 updates).</summary>
    public const double Smoothing = 0.02;

    private double? loss, accuracy, milliseconds;
    private long seen;

    public UpdateProgress? Last { get; private set; }

    /// <summary>"loss" for most tasks; PTB shows bits per character.</summary>
    public double? Loss => loss;

    public double? Accuracy => accuracy;

    /// <summary>Updates per second over the recent updates.</summary>
    public double? Rate => milliseconds is > 0 and var ms ? 1000 / ms : null;

    /// <summary>Updates still to run in this session.</summary>
    public long Remaining => Last is { } u ? (long)(u.Epochs - u.Epoch) * u.Batches + (u.Batches - u.Batch) : 0;

    /// <summary>Time left at the current rate (training updates only: validation and checkpoints come on top).</summary>
    public TimeSpan? Eta => milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms * Remaining) : null;

    public void Observe(UpdateProgress u)
    {
        Last = u;
        var (l, a) = u.Result switch
        {
            ClassifierUpdate c => (c.EpochLoss, c.EpochAccuracy),   // already the epoch's running means
            TokenUpdate t => (t.Stats.Loss, t.Stats.Accuracy),
            SyntheticTaskUpdate s => (s.Loss, s.Score),
            var r => (r.Loss, double.NaN),
        };
        bool running = u.Result is ClassifierUpdate;
        loss = Smooth(loss, l, running);
        accuracy = Smooth(accuracy, a, running);
        // a session's first update carries the warm-up (allocations, BLAS choice): it would hold the rate down for long
        if (++seen > 1) milliseconds = Smooth(milliseconds, u.Milliseconds, false);
    }

    /// <summary>An exponential moving average; NaN (nothing measured, e.g. the adding problem's score) keeps the previous value.</summary>
    private static double? Smooth(double? previous, double value, bool replace)
    {
        if (double.IsNaN(value)) return previous;
        if (previous is not { } p || replace || !double.IsFinite(p) || !double.IsFinite(value)) return value;
        return p + Smoothing * (value - p);
    }

    /// <summary>One line: "epoch 2/10  update 40/100  loss 1.2345  acc 0.5000  12.5 updates/s  ETA 0:01:02".</summary>
    public string Text()
    {
        if (Last is not { } u) return "starting…";
        var parts = new List<string>();
        parts.Add(u.Epochs > 1 ? $"epoch {u.Epoch}/{u.Epochs}  update {u.Batch}/{u.Batches}" : $"update {u.Batch}/{u.Batches}");
        if (loss is { } l) parts.Add($"loss {Number(l, "F4")}");
        if (accuracy is { } a) parts.Add($"acc {Number(a, "F4")}");
        if (Rate is { } r) parts.Add($"{r.ToString(r >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture)} updates/s");
        if (Eta is { } eta) parts.Add($"ETA {Duration(eta)}");
        return string.Join("  ", parts);
    }

    /// <summary>The fraction of this run's updates done (for the bar).</summary>
    public double Fraction => Last is { } u && u.Epochs * (long)u.Batches is > 0 and var all ? 1 - Remaining / (double)all : 0;

    private static string Number(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>h:mm:ss, with days in front past a day.</summary>
    public static string Duration(TimeSpan t)
        => t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours}:{t.Minutes:00}:{t.Seconds:00}" : $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}";
}
