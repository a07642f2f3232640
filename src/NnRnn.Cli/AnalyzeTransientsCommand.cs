using System.CommandLine;
using System.Text.Json.Nodes;
using NnRnn.Analysis.Dynamics;
using NnRnn.Analysis.Figures;
using static NnRnn.Cli.AnalyzeOutput;

namespace NnRnn.Cli;

/// <summary>
/// <c>nnrnn analyze transients</c>: ‖h_t‖ and the across-unit spread of h_{t+1} = A h_t from
/// initial states uniform on the unit sphere (the paper's Fig. 1b), for runs or the synthetic family.
/// </summary>
public static class AnalyzeTransientsCommand
{
    public static Command Create()
    {
        var sources = new AnalyzeSources();
        var steps = CommandLine.Option("--steps", "time steps to simulate", 100);
        var samples = CommandLine.Option("--samples", "initial states in the ensemble", 500);
        var seed = CommandLine.Option("--seed", "seed of the initial states", 0L);
        var outDir = new Option<string?>("--out") { Description = "output folder (default FIRST_RUN/analysis, or analysis-synthetic)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object to stdout" };
        var command = new Command("transients", "Transient amplification of linear dynamics h_{t+1} = A h_t (log-scale figure, CSV, JSON).");
        sources.AddTo(command);
        foreach (var o in new Option[] { steps, samples, seed, outDir, json }) command.Options.Add(o);
        command.SetAction(r => Guard(() =>
        {
            var matrices = sources.Read(r, out var firstRun);
            int t = r.GetValue(steps), m = r.GetValue(samples);
            if (t < 1 || t > 10_000) throw new ArgumentException($"--steps: expected 1 to 10000, got {t}");
            if (m < 2 || m > 10_000) throw new ArgumentException($"--samples: expected 2 to 10000, got {m}");
            var ensembles = matrices.Select(x => (x.Label, Transients.Simulate(x.Propagator, t, m, r.GetValue(seed)))).ToList();
            var folder = Folder(r.GetValue(outDir), firstRun is null ? "analysis-synthetic" : Path.Combine(firstRun, "analysis"));
            TransientFigure.Save(Path.Combine(folder, "transients.png"),
                $"Transients of h_(t+1) = A h_t, ‖h_0‖ = 1 ({m} initial states)", ensembles);
            WriteCsv(Path.Combine(folder, "transients.csv"),
                "source,t,norm_mean,norm_std,norm_q10,norm_q90,norm_max,unit_std_mean,unit_std_std",
                ensembles.SelectMany(x => Enumerable.Range(0, t + 1).Select(i => new object[]
                {
                    x.Label, i, x.Item2.Norm.Mean[i], x.Item2.Norm.Std[i], x.Item2.Norm.Q10[i], x.Item2.Norm.Q90[i],
                    x.Item2.Norm.Max[i], x.Item2.UnitSpread.Mean[i], x.Item2.UnitSpread.Std[i],
                })));
            var node = new JsonObject
            {
                ["steps"] = t,
                ["samples"] = m,
                ["sources"] = new JsonArray(ensembles.Select(x => (JsonNode?)Source(x.Label, x.Item2)).ToArray()),
                ["out"] = folder,
            };
            WriteJson(Path.Combine(folder, "transients.json"), node);
            if (r.GetValue(json)) PrintJson(node);
            else
            {
                foreach (var (label, e) in ensembles)
                {
                    int peak = Array.IndexOf(e.Norm.Mean, e.Norm.Mean.Max());
                    Console.WriteLine($"{label}: peak mean ‖h_t‖ = {Number(e.Norm.Mean[peak])} at t = {peak}; at t = {t}: {Number(e.Norm.Mean[t])}");
                }
                Console.WriteLine($"wrote {folder}/: transients.png, transients.csv, transients.json");
            }
            return 0;
        }));
        return command;
    }

    private static JsonObject Source(string label, TransientEnsemble e)
    {
        int peak = Array.IndexOf(e.Norm.Mean, e.Norm.Mean.Max());
        return new JsonObject
        {
            ["name"] = label,
            ["peak_norm_mean"] = e.Norm.Mean[peak],
            ["peak_t"] = peak,
            ["norm_mean"] = Numbers(e.Norm.Mean),
            ["norm_std"] = Numbers(e.Norm.Std),
            ["unit_std_mean"] = Numbers(e.UnitSpread.Mean),
            ["unit_std_std"] = Numbers(e.UnitSpread.Std),
        };
    }
}
