using System.CommandLine;
using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Experiments.Presets;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Training;

namespace NnRnn.Cli;

/// <summary>
/// Builds a training command: the options of <typeparamref name="TOptions"/> (see
/// <see cref="OptionBinder{TOptions}"/>), <c>--out</c> and the resume options; a new run or a
/// resumed one through the <see cref="Trainer"/>, shown by <typeparamref name="TDisplay"/> (and
/// <see cref="LiveTrainingView"/> on a terminal); a
/// summary table at the end.
/// </summary>
public static class TrainingCommand
{
    /// <param name="checkpointEvery">Default of --checkpoint-every, and what it counts.</param>
    /// <param name="outAliases">Other names of --out (PTB: the seed's --save).</param>
    public static Command Create<TOptions, TDisplay>(string name, string description, ResumeOptions resume, params string[] outAliases)
        where TOptions : RunOptions, new()
        where TDisplay : ITrainingObserver, new()
    {
        var binder = new OptionBinder<TOptions>();
        var aliases = outAliases.Length == 0 ? "" : $"; {string.Join(", ", outAliases)} is the seed's name for it";
        var output = new Option<string?>("--out", outAliases) { Description = $"run directory (default runs/{name}-NET-TIME){aliases}" };

        var command = new Command(name, description);
        foreach (var o in binder.All) command.Options.Add(o);
        command.Options.Add(output);
        var store = StoreOption.Create();
        command.Options.Add(store);
        resume.AddTo(command);

        command.SetAction(r => CommandLine.Guard(() =>
        {
            try
            {
                return Execute(r);
            }
            catch (ArgumentException e) when (e.ParamName is not null)
            {
                throw binder.ToOptionError(e);
            }
            catch (RunLockedException e)
            {
                Console.Error.WriteLine($"nnrnn: error: {e.Message}");
                return ExitCodes.Locked;
            }
            catch (RunFinishedException e)
            {
                Console.WriteLine(e.Message);
                return 0;
            }
        }));
        return command;

        int Execute(ParseResult r)
        {
            var control = resume.Control(r);
            control.Validate();
            string dir;
            RunSummary? summary;
            if (resume.ResumeDirectory(r) is { } resumeDir)
            {
                var given = binder.Given(r).Concat(r.GetResult(output) is { Implicit: false } ? [output.Name] : []);
                ResumeOptions.RejectWithResume(given);
                dir = resumeDir;
                if (Directory.Exists(dir)) OutputLocation.CheckWritable(dir, "--resume");
                CheckRunOptions(dir);
                using var recorder = StoreOption.Observer(r, store, dir);
                var observers = Observers(recorder);
                try
                {
                    summary = Trainer.Resume<TOptions>(dir, control, observers);
                }
                finally
                {
                    Stop(observers);
                }
            }
            else
            {
                var preset = Preset(r);
                var canonical = preset?.Preset;   // Bind writes the given spelling into the basis
                RunOptions options = binder.Bind(r, preset);   // Trainer.Run validates
                if (canonical is not null) options = options with { Preset = canonical };
                if (options.MatchParams is not null)
                {
                    if (binder.Given(r).Contains("--nhid"))
                        throw new ArgumentException("--match-params: cannot be combined with --nhid (it chooses nhid)");
                    options.Validate();
                    (options, var match) = ParameterMatch.Apply(options);
                    Console.WriteLine(match!.Describe(options.NetType));
                }
                dir = r.GetValue(output) ?? RunDirectory.DefaultPath(name, SeedNames.Of(options.NetType));
                OutputLocation.CheckWritable(dir, output.Name);
                using var recorder = StoreOption.Observer(r, store, dir);
                var observers = Observers(recorder);
                try
                {
                    summary = Trainer.Run(options, dir, control, observers);
                }
                finally
                {
                    Stop(observers);
                }
            }
            if (summary is null)
            {
                Console.WriteLine(ResumeOptions.StoppedMessage(name, dir));
                return 0;
            }
            if (summary is DivergedSummary diverged)
            {
                Console.Error.WriteLine($"nnrnn: {diverged.Divergence.Message}; the run stopped, its last checkpoint kept (run directory: {dir})");
                return ExitCodes.Diverged;
            }
            Report.Summary(summary.Headline());
            Console.WriteLine($"run directory: {dir}");
            return 0;
        }

        // the task's lines, warnings, and on a terminal the live progress line under them
        static ITrainingObserver[] Observers(ITrainingObserver recorder)
            => ConsoleMode.Live ? [new TDisplay(), new WarningLine(), recorder, new LiveTrainingView()] : [new TDisplay(), new WarningLine(), recorder];

        // a live display stops even when the run throws, so the error is not drawn over
        static void Stop(ITrainingObserver[] observers)
        {
            foreach (var o in observers.OfType<LiveTrainingView>()) o.Dispose();   // the store's recorder is disposed by its owner
        }

        // A run's options.json that does not parse or holds a bad value (e.g. "Infinity" written by
        // an older version) is an error about that file, not about a command-line option.
        void CheckRunOptions(string dir)
        {
            var file = Path.Combine(dir, "options.json");
            try
            {
                RunSession.ReadOptions<TOptions>(dir).Validate();
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new InvalidDataException($"{file}: not the options of a {name} run ({e.Message.Split('\n')[0].Trim()})");
            }
            catch (ArgumentException e) when (e.ParamName is not null)
            {
                throw new InvalidDataException($"{file}: {binder.ToOptionError(e).Message}");
            }
        }

        // --preset NAME: the row's values under every option not given explicitly
        TOptions? Preset(ParseResult r)
            => r.GetValue((Option<string?>)binder.OptionOf(nameof(RunOptions.Preset))) is { } preset
                ? (TOptions)PresetCatalog.Find(name, preset).ApplyTo(new TOptions())
                : null;
    }
}
