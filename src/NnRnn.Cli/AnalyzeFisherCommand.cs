using System.CommandLine;
using System.Text.Json.Nodes;
using NnRnn.Analysis.Figures;
using NnRnn.Analysis.Memory;
using static NnRnn.Cli.AnalyzeOutput;

namespace NnRnn.Cli;

/// <summary>
/// <c>nnrnn analyze fisher</c>: the Fisher memory curve J(t) = e_tᵀ C⁻¹ e_t of linear dynamics with
/// input noise (Ganguli et al. 2008; the paper's §3) and its total over the horizon.
/// </summary>
public static class AnalyzeFisherCommand
{
    public static Command Create()
    {
        var sources = new AnalyzeSources();
        var horizon = CommandLine.Option("--horizon", "delays t = 0 … horizon−1 (also where C is truncated when Σ A^k A^kᵀ does not converge)", 150);
        var unit = CommandLine.Option("--input-unit", "the input direction u is this unit's basis vector (0 = the first unit)", 0);
        var log = new Option<bool>("--log") { Description = "log-scale J(t) axis" };
        var outDir = new Option<string?>("--out") { Description = "output folder (default FIRST_RUN/analysis, or analysis-synthetic)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object to stdout (j_total and j of the first matrix, all under sources)" };
        var command = new Command("fisher", "Fisher memory curve J(t) and J_tot of a run's W or of the synthetic delay-line family.");
        sources.AddTo(command);
        foreach (var o in new Option[] { horizon, unit, log, outDir, json }) command.Options.Add(o);
        command.SetAction(r => Guard(() =>
        {
            var matrices = sources.Read(r, out var firstRun);
            int h = r.GetValue(horizon), k = r.GetValue(unit);
            if (h < 1 || h > 10_000) throw new ArgumentException($"--horizon: expected 1 to 10000, got {h}");
            var curves = matrices.Select(x =>
            {
                int n = x.Propagator.GetLength(0);
                if (k < 0 || k >= n) throw new ArgumentException($"--input-unit: expected 0 to {n - 1} for {x.Label}, got {k}");
                var u = new double[n];
                u[k] = 1;
                return (x.Label, Curve: FisherMemory.Compute(x.Propagator, u, h));
            }).ToList();
            var folder = Folder(r.GetValue(outDir), firstRun is null ? "analysis-synthetic" : Path.Combine(firstRun, "analysis"));
            FisherFigure.Save(Path.Combine(folder, "fisher.png"), $"Fisher memory curve, input at unit {k}",
                curves.Select(c => (c.Label, c.Curve.J)).ToList(), r.GetValue(log));
            WriteCsv(Path.Combine(folder, "fisher.csv"), "t," + string.Join(",", curves.Select(c => Quote(c.Label))),
                Enumerable.Range(0, h).Select(t => curves.Select(c => (object)c.Curve.J[t]).Prepend(t)));
            var node = new JsonObject
            {
                ["j_total"] = curves[0].Curve.Total,
                ["j"] = Numbers(curves[0].Curve.J),
                ["horizon"] = h,
                ["input_unit"] = k,
                ["sources"] = new JsonArray(curves.Select(c => (JsonNode?)new JsonObject
                {
                    ["name"] = c.Label,
                    ["j_total"] = c.Curve.Total,
                    ["noise_terms"] = c.Curve.NoiseTerms,
                    ["noise_converged"] = c.Curve.NoiseConverged,
                    ["noise_condition"] = c.Curve.NoiseCondition,
                    ["reliable"] = c.Curve.Reliable,
                    ["j"] = Numbers(c.Curve.J),
                }).ToArray()),
                ["out"] = folder,
            };
            WriteJson(Path.Combine(folder, "fisher.json"), node);
            if (r.GetValue(json)) PrintJson(node);
            else
            {
                foreach (var (label, c) in curves)
                    Console.WriteLine($"{label}: J_tot = {Number(c.Total)} over {h} steps" +
                                      (c.NoiseConverged ? "" : $" (noise covariance truncated at {c.NoiseTerms} terms: the series does not converge)") +
                                      (c.Reliable ? "" : $" (unreliable: cond(C) = {c.NoiseCondition:G2})"));
                Console.WriteLine($"wrote {folder}/: fisher.png, fisher.csv, fisher.json");
            }
            return 0;
        }));
        return command;
    }

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
}
