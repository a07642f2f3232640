using System.CommandLine;
using NnRnn.Experiments.Tasks;

namespace NnRnn.Cli;

/// <summary><c>nnrnn copytask</c>: the copy task (paper §5.1).</summary>
public static class CopyTaskCommand
{
    public static Command Create() => TrainingCommand.Create<CopyTaskOptions, SyntheticTaskDisplay>(
        "copytask", "Train on the copy task (paper §5.1).", new ResumeOptions(100, "updates"));
}
