using System.Globalization;
using System.Text;

namespace NnRnn.Analysis.Fidelity;

/// <summary>
/// FIDELITY.md's section of a per-epoch task: per model and implementation, mean ± SE over seeds (and the
/// range) of the training value at the first and the last epoch, the validation value at the last epoch and
/// the test value; Mann–Whitney of ours against the original on each; the curves' figure.
/// </summary>
public static class EpochReport
{
    public static string Section(EpochTask task, string runsDir, string figurePath, string figureLink)
    {
        var dir = Path.Combine(runsDir, task.Folder);
        var pairs = task.Models.Select(m => (Ours: EpochRuns.Read(Path.Combine(dir, "ours"), m, "ours"),
                                             Original: EpochRuns.Read(Path.Combine(dir, "original"), m, "original")))
                               .Where(p => p.Ours.BySeed.Count + p.Original.BySeed.Count > 0).ToList();
        var sb = new StringBuilder().AppendLine($"## {task.Title}").AppendLine();
        if (pairs.Count == 0) return sb.AppendLine("No cached runs.").AppendLine().ToString();
        var quantities = new (string Label, string Column, int Epoch)[]
        {
            ($"{task.TrainLabel}, epoch 1", task.Train, 1),
            ($"{task.TrainLabel}, last epoch", task.Train, 0),
            ($"{task.ValidLabel}, last epoch", task.Valid, 0),
            ($"{task.TestLabel} (best-validation model)", task.Test, 0),
        };
        sb.AppendLine("Mean ± standard error over seeds (min–max in brackets); epochs: as many as the runs have (see above).").AppendLine();
        sb.Append("| model | impl | seeds | epochs |").AppendLine(string.Concat(quantities.Select(q => $" {q.Label} |")));
        sb.AppendLine("|---|---|---|---|" + string.Concat(quantities.Select(_ => "---|")));
        var tests = new List<string>();
        var paired = new List<string>();
        foreach (var (ours, original) in pairs)
        {
            foreach (var runs in new[] { original, ours })
            {
                var epochs = runs.Column(task.Train).Values.Select(v => v.Length).DefaultIfEmpty(0);
                sb.Append($"| {runs.Model} | {runs.Implementation} | {runs.BySeed.Count} | {epochs.Min()}{(epochs.Max() != epochs.Min() ? "–" + epochs.Max() : "")} |");
                foreach (var q in quantities) sb.Append($" {Summary(runs.At(q.Column, q.Epoch))} |");
                sb.AppendLine();
            }
            foreach (var q in quantities)
            {
                var a = ours.At(q.Column, q.Epoch);
                var b = original.At(q.Column, q.Epoch);
                paired.Add(PairedBySeed.Row(ours.Model, q.Label, ours.AtBySeed(q.Column, q.Epoch), original.AtBySeed(q.Column, q.Epoch)));
                if (a.Length == 0 || b.Length == 0) { tests.Add($"| {ours.Model} | {q.Label} | – | – | – |"); continue; }
                var (u, _, p) = MannWhitney.Test(a, b);
                tests.Add($"| {ours.Model} | {q.Label} | {a.Length} vs {b.Length} | {u:0.#} | {p:0.###}{(p < 0.05 ? " **differ**" : "")} |");
            }
        }
        sb.AppendLine().AppendLine("Mann–Whitney U (ours' U against the original), per seed values:").AppendLine();
        sb.AppendLine("| model | value | seeds (ours vs original) | U | p (two-sided) |").AppendLine("|---|---|---|---|---|");
        foreach (var t in tests) sb.AppendLine(t);
        sb.AppendLine().AppendLine("Paired by seed (with `--init original` a seed starts both from the same parameters; Wilcoxon signed-rank on ours − original):").AppendLine();
        sb.AppendLine(PairedBySeed.Header);
        foreach (var t in paired) sb.AppendLine(t);
        EpochCurvesFigure.Save(figurePath, task, pairs);
        sb.AppendLine().AppendLine($"![{task.Title} learning curves]({figureLink})").AppendLine();
        return sb.ToString();
    }

    /// <summary>"mean ± SE (min–max)" with four significant decimals, "–" for no values.</summary>
    public static string Summary(IReadOnlyList<double> xs)
    {
        if (xs.Count == 0) return "–";
        var (m, se) = EpochRuns.MeanSe(xs);
        return $"{F(m)} ± {(double.IsNaN(se) ? "–" : F(se))} ({F(xs.Min())}–{F(xs.Max())})";
    }

    // exploding runs (RNN) reach 10¹²: those in scientific notation
    private static string F(double x) => x.ToString(Math.Abs(x) >= 1e4 ? "0.0e0" : Math.Abs(x) >= 10 ? "0.00" : "0.000", CultureInfo.InvariantCulture);
}
