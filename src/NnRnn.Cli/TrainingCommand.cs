using System.CommandLine;
using NnRnn.Experiments.Training;

namespace NnRnn.Cli;

/// <summary>
/// What every training command shares: the model and optimiser options, the task's own options,
/// <c>--out</c> and the resume options; a new run or a resumed one; a summary table at the end.
/// </summary>
public static class TrainingCommand
{
    /// <param name="bind">Reads the task's own options on top of the shared ones.</param>
    /// <param name="run">Starts a new run in a directory (returns null when it stopped early).</param>
    /// <param name="resumeRun">Continues the run in a directory.</param>
    /// <param name="summaryKeys">The summary entries shown at the end.</param>
    /// <param name="outAliases">Other names of --out (PTB: the seed's --save).</param>
    public static Command Create<T>(string name, string description, T defaults, Option[] own, ResumeOptions resume,
        Func<ParseResult, T, T> bind,
        Func<T, string, RunControl, Dictionary<string, object>?> run,
        Func<string, RunControl, Dictionary<string, object>?> resumeRun,
        Func<IReadOnlyDictionary<string, object>, IEnumerable<string>> summaryKeys,
        params string[] outAliases) where T : RunOptions
    {
        var shared = new RunOptionSet(defaults);
        var aliases = outAliases.Length == 0 ? "" : $"; {string.Join(", ", outAliases)} is the seed's name for it";
        var output = new Option<string?>("--out", outAliases) { Description = $"run directory (default runs/{name}-NET-TIME){aliases}" };
        var mine = own.Append(output).ToArray();

        var command = new Command(name, description);
        shared.AddTo(command);
        foreach (var o in mine) command.Options.Add(o);
        resume.AddTo(command);

        command.SetAction(r => CommandLine.Guard(() =>
        {
            var control = resume.Control(r);
            control.Validate();
            string dir;
            Dictionary<string, object>? summary;
            if (resume.ResumeDirectory(r) is { } resumeDir)
            {
                ResumeOptions.RejectWithResume(shared.Given(r).Concat(mine.Where(o => r.GetResult(o) is { Implicit: false }).Select(o => o.Name)));
                dir = resumeDir;
                summary = resumeRun(dir, control);
            }
            else
            {
                var options = bind(r, shared.Bind(r, defaults));
                options.Validate();
                dir = r.GetValue(output) ?? RunDirectory.DefaultPath(name, NnRnn.Cells.CellFactory.Canonical(options.NetType));
                summary = run(options, dir, control);
            }
            if (summary is null)
            {
                Console.WriteLine(ResumeOptions.StoppedMessage(name, dir));
                return 0;
            }
            Report.Summary(summary, summaryKeys(summary).ToArray());
            Console.WriteLine($"run directory: {dir}");
            return 0;
        }));
        return command;
    }
}
