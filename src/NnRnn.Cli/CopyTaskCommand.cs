using System.CommandLine;
using NnRnn.Experiments.Training;

namespace NnRnn.Cli;

/// <summary><c>nnrnn copytask</c>: the copy task (paper §5.1).</summary>
public static class CopyTaskCommand
{
    public static Command Create()
    {
        var d = new CopyTaskOptions();
        var delay = CommandLine.Option("--T", "delay between the sequence and its recall", d.T);
        var labels = CommandLine.Option("--labels", "number of symbols (at most 8)", d.Labels);
        var cLength = CommandLine.Option("--c-length", "length of the sequence to copy", d.CLength);
        var onehot = CommandLine.Option("--onehot", "one-hot inputs instead of scalar values", false);
        var vari = CommandLine.Option("--vari", "a random delay in [1, T] per sequence", false);
        return OnlineTaskCommand.Create("copytask", "Train on the copy task (paper §5.1).", d,
            new Option[] { delay, labels, cLength, onehot, vari },
            (r, o) => o with
            {
                T = r.GetValue(delay), Labels = r.GetValue(labels), CLength = r.GetValue(cLength),
                Onehot = r.GetValue(onehot), Vari = r.GetValue(vari),
            },
            o => $"T={o.T} c={o.CLength}");
    }
}
