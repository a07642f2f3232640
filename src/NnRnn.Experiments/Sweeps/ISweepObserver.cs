namespace NnRnn.Experiments.Sweeps;

/// <summary>Progress of a sweep, for displays: one line per running run plus the overall count.</summary>
public interface ISweepObserver
{
    /// <summary>The sweep starts: <paramref name="total"/> runs, <paramref name="alreadyFinished"/> of them skipped as finished.</summary>
    void SweepStarted(string sweep, int total, int alreadyFinished);
    /// <summary>A run starts (or resumes) in a worker process.</summary>
    void RunStarted(string label);
    /// <summary>Latest progress of a running run, read from its run directory or worker output.</summary>
    void RunProgress(string label, long position, long total, double? loss, double? accuracy);
    /// <summary>A run ended with <paramref name="status"/> (finished, failed, diverged, interrupted).</summary>
    void RunEnded(string label, string status);
    /// <summary>All runs ended.</summary>
    void SweepEnded(int finished, int failed);
}
