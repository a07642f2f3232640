using System.CommandLine;
using NnRnn.Experiments.Runs;

namespace NnRnn.Cli;

/// <summary><c>--resume</c>, <c>--checkpoint-every</c> and <c>--stop-after</c>, shared by the training commands.</summary>
public sealed class ResumeOptions
{
    private readonly Option<string?> resume = new("--resume") { Description = "continue the run in RUN_DIR from its last checkpoint (its options.json gives every other option)" };
    private readonly Option<int> every;
    private readonly Option<int?> stopAfter = new("--stop-after") { Description = "stop after N updates in this session, without a final checkpoint (as a kill would)" };

    public ResumeOptions(int defaultEvery, string unit)
        => every = CommandLine.Option("--checkpoint-every", $"write checkpoint.bin every N {unit}", defaultEvery);

    public void AddTo(Command command)
    {
        command.Options.Add(resume);
        command.Options.Add(every);
        command.Options.Add(stopAfter);
    }

    public string? ResumeDirectory(ParseResult r) => r.GetValue(resume);

    public RunControl Control(ParseResult r) => new(r.GetValue(every), r.GetValue(stopAfter));

    /// <summary>With --resume the run's own options apply: other task options are an error.</summary>
    public static void RejectWithResume(IEnumerable<string> given)
    {
        var first = given.FirstOrDefault();
        if (first is not null)
            throw new ArgumentException($"--resume: {first} cannot be combined with --resume (the run's options.json gives it)");
    }

    /// <summary>What to print when a session stopped early.</summary>
    public static string StoppedMessage(string command, string dir)
        => $"stopped early; continue with: nnrnn {command} --resume {dir}";
}
