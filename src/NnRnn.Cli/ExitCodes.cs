namespace NnRnn.Cli;

/// <summary>The training commands' exit codes beyond 0 (ok), 1 (unexpected) and 2 (bad input).</summary>
public static class ExitCodes
{
    /// <summary>A non-finite loss, gradient or validation loss stopped the run (summary.json status "diverged").</summary>
    public const int Diverged = 3;

    /// <summary>Another live process holds the run directory's lock.</summary>
    public const int Locked = 4;
}

/// <summary>Shows a run's one-line warnings on stderr.</summary>
public sealed class WarningLine : NnRnn.Experiments.Training.ITrainingObserver
{
    public void Warned(string message) => Console.Error.WriteLine($"nnrnn: warning: {message}");
}
