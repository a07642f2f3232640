using System.Globalization;

namespace NnRnn.Experiments.Training;

/// <summary>
/// Refuses, before anything is created, a run that cannot fit: a lower bound of its memory
/// (parameters with their gradient and two optimiser moments, the activations kept for backward
/// through time, the read-out, the input batch and the dataset) against the memory available
/// (/proc/meminfo's MemAvailable, or the runtime's limit when smaller, e.g. a cgroup's).
/// The error names the option that grew the estimate the most relative to the task's default.
/// </summary>
public static class MemoryEstimate
{
    private const double Float = 4;

    /// <summary>Bytes the run needs at least (parameters, gradients, optimiser state, activations, data).</summary>
    public static double Bytes(RunOptions o, RunFootprint f)
    {
        double parameters = RunFootprint.CellParameters(o, f.InputSize) + (o.HiddenSize + 1.0) * f.Outputs + f.ExtraParameters;
        double model = parameters * Float * 4;                                   // value, gradient, two optimiser moments
        double steps = f.SequenceLength * (double)o.Batch;
        double activations = steps * o.HiddenSize * RunFootprint.StateFloats(o.NetType) * Float;
        double readout = f.OutputSteps * o.Batch * f.Outputs * Float * 2;        // logits and their gradient
        double input = steps * f.InputSize * Float;
        return model + activations + readout + input + f.DataBytes;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the responsible option when the run cannot fit.</summary>
    /// <param name="defaults">The task's default options, to tell which option made the run large.</param>
    public static void Check(RunOptions o, RunFootprint f, RunOptions defaults, RunFootprint d, long? available = null)
    {
        double need = Bytes(o, f);
        long have = available ?? Available();
        if (need <= have) return;
        var ratios = new List<(string Name, double Ratio)>
        {
            (nameof(RunOptions.HiddenSize), o.HiddenSize / (double)defaults.HiddenSize),
            (nameof(RunOptions.Batch), o.Batch / (double)defaults.Batch),
        };
        if (f.SequenceOption is { } s) ratios.Add((s, f.SequenceLength / d.SequenceLength));
        if (f.ExtraOption is { } e && d.ExtraParameters > 0) ratios.Add((e, f.ExtraParameters / d.ExtraParameters));
        if (o.NetType == Cells.NetType.Eurnn && !o.Fft) ratios.Add((nameof(RunOptions.Capacity), o.Capacity / (double)Math.Max(1, defaults.Capacity)));
        var name = ratios.MaxBy(r => r.Ratio).Name;
        throw new ArgumentException(
            $"the run needs at least {Size(need)} of memory (parameters with optimiser state, activations kept for backward, data), more than the {Size(have)} available",
            name);
    }

    /// <summary>Memory this process can still take: MemAvailable, or the runtime's (cgroup) limit when smaller.</summary>
    public static long Available()
    {
        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return Math.Min(limit, kb * 1024);
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return limit;
    }

    /// <summary>A byte count in readable units (GB, MB).</summary>
    public static string Size(double bytes) => bytes switch
    {
        >= 1e12 => (bytes / 1e12).ToString("0.0", CultureInfo.InvariantCulture) + " TB",
        >= 1e9 => (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
        _ => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
    };
}
