using System.CommandLine;
using NnRnn.Experiments.Training;

namespace NnRnn.Cli;

/// <summary><c>nnrnn adding</c>: the adding problem.</summary>
public static class AddingCommand
{
    public static Command Create()
    {
        var d = new AddingOptions();
        var length = CommandLine.Option("--c-length", "sequence length", d.CLength);
        var ones = CommandLine.Option("--no-of-ones", "number of marked values to add", d.NoOfOnes);
        return OnlineTaskCommand.Create("adding", "Train on the adding problem (sum of the marked values, MSE).", d,
            new Option[] { length, ones },
            (r, o) => o with { CLength = r.GetValue(length), NoOfOnes = r.GetValue(ones) },
            o => $"length={o.CLength} markers={o.NoOfOnes}");
    }
}
