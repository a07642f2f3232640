using System.CommandLine;
using NnRnn.Experiments.Tasks;

namespace NnRnn.Cli;

/// <summary><c>nnrnn adding</c>: the adding problem.</summary>
public static class AddingCommand
{
    public static Command Create() => TrainingCommand.Create<AddingOptions, SyntheticTaskDisplay>(
        "adding", "Train on the adding problem (sum of the marked values, MSE).", new ResumeOptions(100, "updates"));
}
