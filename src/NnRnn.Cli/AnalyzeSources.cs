using System.CommandLine;
using NnRnn.Analysis.Linear;
using NnRnn.Analysis.Runs;

namespace NnRnn.Cli;

/// <summary>
/// The matrices <c>analyze transients</c> and <c>analyze fisher</c> work on: trained runs
/// (RUN_DIR…) and/or the paper's synthetic family (every combination of the --diag, --delay and
/// --lower values; used when no run is given or when any of --N/--diag/--delay/--lower is).
/// </summary>
public sealed class AnalyzeSources
{
    private readonly Argument<string[]> runs = new("RUN_DIR") { Description = "run directories (options.json + model.pt)", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> checkpoint = new("--checkpoint") { Description = "state dict file to read instead of model.pt (e.g. best.pt; a name in the run directory or a path)" };
    private readonly Option<string?> gate = new("--gate") { Description = "LSTM only: the gate whose hidden-to-hidden block to analyse (f, i, o, g)" };
    private readonly Option<int?> n = new("--N") { Description = "synthetic family: number of units (default 100)" };
    private readonly Option<double[]?> diag = Many("--diag", "synthetic family: value(s) d on the diagonal (default 0)");
    private readonly Option<double[]?> delay = Many("--delay", "synthetic family: value(s) α on the first sub-diagonal (default 1)");
    private readonly Option<double[]?> lower = Many("--lower", "synthetic family: value(s) β on every entry below it (default 0)");

    public void AddTo(Command command)
    {
        command.Arguments.Add(runs);
        foreach (var o in new Option[] { checkpoint, gate, n, diag, delay, lower }) command.Options.Add(o);
    }

    /// <summary>The selected matrices as (label, propagator A with h_{t+1} = A h_t), runs first.</summary>
    public List<(string Label, double[,] Propagator)> Read(ParseResult r, out string? firstRun)
    {
        var result = new List<(string, double[,])>();
        var dirs = r.GetValue(runs) ?? System.Array.Empty<string>();
        firstRun = dirs.FirstOrDefault();
        foreach (var dir in dirs)
        {
            var run = RunReader.Read(dir, r.GetValue(checkpoint), r.GetValue(gate));
            result.Add(($"{run.Name} ({run.NetType})", run.Propagator));
        }
        var (ds, alphas, betas) = (Given(r, diag), Given(r, delay), Given(r, lower));
        bool synthetic = dirs.Length == 0 || r.GetValue(n) is not null || ds is not null || alphas is not null || betas is not null;
        if (!synthetic) return result;
        int size = r.GetValue(n) ?? 100;
        if (size < 1 || size > 4096) throw new ArgumentException($"--N: expected 1 to 4096 units, got {size}");
        foreach (var d in ds ?? new[] { 0.0 })
            foreach (var a in alphas ?? new[] { 1.0 })
                foreach (var b in betas ?? new[] { 0.0 })
                {
                    if (!double.IsFinite(d) || !double.IsFinite(a) || !double.IsFinite(b))
                        throw new ArgumentException("--diag/--delay/--lower: values must be finite numbers");
                    result.Add(($"N={size} d={d:G4} α={a:G4} β={b:G4}", SyntheticMatrices.DelayLine(size, d, a, b)));
                }
        return result;
    }

    /// <summary>The option's values, or null when it was not given (the parser yields an empty array then).</summary>
    private static double[]? Given(ParseResult r, Option<double[]?> option) => r.GetValue(option) is { Length: > 0 } v ? v : null;

    private static Option<double[]?> Many(string name, string description)
        => new(name) { Description = description, AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore };
}
