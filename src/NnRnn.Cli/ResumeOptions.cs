using System.CommandLine;
using NnRnn.Experiments.Runs;

namespace NnRnn.Cli;

/// <summary><c>--resume</c>, <c>--checkpoint-every</c> and <c>--stop-after</c>, shared by the training commands.</summary>
public sealed class ResumeOptions
{
    private readonly Option<string?> resume = new("--resume") { Description = "continue the run in RUN_DIR from its last checkpoint (its options.json gives every other option)" };
    private readonly Option<int> every;
    private readonly int defaultEvery;
    private readonly Option<int?> stopAfter = new("--stop-after") { Description = "stop after N updates in this session, without a final checkpoint (as a kill would)" };
    private readonly Option<string> device = DeviceOption.Create("where this session trains");

    public ResumeOptions(int defaultEvery, string unit)
    {
        this.defaultEvery = defaultEvery;
        every = CommandLine.Option("--checkpoint-every", $"write checkpoint.bin every N {unit} (recorded in options.json; a resumed run keeps it unless given again)", defaultEvery);
    }

    public void AddTo(Command command)
    {
        command.Options.Add(resume);
        command.Options.Add(every);
        command.Options.Add(stopAfter);
        command.Options.Add(device);
    }

    public string? ResumeDirectory(ParseResult r) => r.GetValue(resume);

    /// <summary>The run control; --checkpoint-every only when given (else the run's recorded value, or the default).</summary>
    public RunControl Control(ParseResult r)
        => new(r.GetResult(every) is { Implicit: false } ? r.GetValue(every) : null, r.GetValue(stopAfter), defaultEvery)
        {
            Device = NnRnn.Devices.ComputeDevice.Resolve(r.GetValue(device)),
        };

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
