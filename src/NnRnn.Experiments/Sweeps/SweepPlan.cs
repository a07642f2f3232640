using System.Text;
using NnRnn.Experiments.Runs;

namespace NnRnn.Experiments.Sweeps;

/// <summary>What a sweep run needs: a new run, a resume of an interrupted one, or nothing (it ended).</summary>
public enum SweepRunState { New, Resume, Done }

/// <summary>One grid point × seed: its stable label and run directory, and the worker's arguments.</summary>
/// <param name="Arguments">The training command's arguments for a new run (without --out and --store).</param>
public sealed record SweepRun(string Label, string Directory, IReadOnlyList<string> Arguments)
{
    /// <summary>Where the run stands: ended (summary.json), resumable (options and a checkpoint) or to start (absent, or killed before its first checkpoint).</summary>
    public SweepRunState State()
    {
        if (RunSession.IsFinished(Directory)) return SweepRunState.Done;
        bool options = File.Exists(Path.Combine(Directory, RunSession.OptionsFile));
        bool checkpoint = File.Exists(Path.Combine(Directory, CheckpointFiles.Newest)) || File.Exists(Path.Combine(Directory, CheckpointFiles.Previous));
        return options && checkpoint ? SweepRunState.Resume : SweepRunState.New;
    }
}

/// <summary>The runs of a spec: every model × grid point × seed, under ROOT/SWEEP/&lt;label&gt;-seed&lt;k&gt;.</summary>
public static class SweepPlan
{
    public static IReadOnlyList<SweepRun> Expand(SweepSpec spec, string root)
    {
        var folder = Path.GetFullPath(Path.Combine(root, spec.Name));
        var runs = new List<SweepRun>();
        foreach (var (option, model) in spec.Models)
            foreach (var point in Product(spec.Grid))
                foreach (var seed in spec.Seeds)
                {
                    var label = Safe(string.Join("-", new[] { model }.Concat(point.Select(p => $"{p.Key}={p.Value}")))) + $"-seed{seed}";
                    var args = new List<string> { spec.Task, option, model, "--random-seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                    foreach (var (key, values) in spec.Options.Where(o => !point.Any(p => p.Key == o.Key)))
                    {
                        args.Add("--" + key);
                        args.AddRange(values);
                    }
                    foreach (var (key, value) in point) args.AddRange(["--" + key, value]);
                    runs.Add(new SweepRun(label, Path.Combine(folder, label), args));
                }
        return runs;
    }

    /// <summary>Every combination of the grid's values, in the spec's order (one empty point for no grid).</summary>
    private static IEnumerable<List<(string Key, string Value)>> Product(IReadOnlyList<(string Key, string[] Values)> grid)
    {
        IEnumerable<List<(string Key, string Value)>> points = [[]];
        foreach (var (key, values) in grid)
            points = points.SelectMany(p => values.Select(v => new List<(string, string)>(p) { (key, v) })).ToList();
        return points;
    }

    /// <summary>A label usable as a folder name: characters other than letters, digits and -_.= become _.</summary>
    private static string Safe(string label)
    {
        var text = new StringBuilder(label.Length);
        foreach (var c in label) text.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' ? c : '_');
        return text.ToString();
    }
}
