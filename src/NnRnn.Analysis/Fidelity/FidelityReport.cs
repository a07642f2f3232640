using System.Globalization;
using System.Text;

namespace NnRnn.Analysis.Fidelity;

/// <summary>
/// FIDELITY.md's task sections from cached runs: per model, window medians of ours and the original,
/// slow starts, final-window mean ± SE, and Mann–Whitney on the first-50 and last-500 medians.
/// </summary>
public static class FidelityReport
{
    /// <summary>The section of one task; writes its figure to <paramref name="figurePath"/> (linked as <paramref name="figureLink"/>).</summary>
    public static string Section(string task, string runsDir, IReadOnlyList<string> models, string figurePath, string figureLink)
    {
        var pairs = models.Select(m => (Ours: LearningCurves.Read(Path.Combine(runsDir, "ours"), m, "ours"),
                                        Original: LearningCurves.Read(Path.Combine(runsDir, "original"), m, "original")))
                          .Where(p => p.Ours.LossBySeed.Count + p.Original.LossBySeed.Count > 0).ToList();
        var sb = new StringBuilder();
        sb.AppendLine($"## {task}").AppendLine();
        if (pairs.Count == 0) return sb.AppendLine("No cached runs.").AppendLine().ToString();
        sb.AppendLine("Median loss per window of updates, one value per seed (sorted); p: two-sided Mann–Whitney, ours against the original.").AppendLine();
        sb.Append("| model | impl | seeds |");
        foreach (var (from, to) in LearningCurves.Windows) sb.Append($" {from}–{to} |");
        sb.AppendLine(" slow starts | last 500: mean ± SE |");
        sb.AppendLine("|---|---|---|" + string.Concat(LearningCurves.Windows.Select(_ => "---|")) + "---|---|");
        var tests = new List<string>();
        var paired = new List<string>();
        foreach (var (ours, original) in pairs)
        {
            foreach (var c in new[] { original, ours })
            {
                sb.Append($"| {c.Model} | {c.Implementation} | {c.LossBySeed.Count} |");
                foreach (var (from, to) in LearningCurves.Windows)
                    sb.Append(' ').Append(string.Join(", ", c.WindowMedians(from, to).Order().Select(F))).Append(" |");
                var last = c.LossBySeed.Values.Where(l => l.Length >= 1500).Select(l => l[1000..1500].Average()).ToArray();
                sb.AppendLine($" {c.SlowStarts} of {c.WindowMedians(1, 50).Length} | {MeanSe(last)} |");
            }
            foreach (var (label, from, to) in new[] { ("first 50", 1, 50), ("last 500", 1001, 1500) })
            {
                var a = ours.WindowMedians(from, to);
                var b = original.WindowMedians(from, to);
                paired.Add(PairedBySeed.Row(ours.Model, label, ours.WindowMediansBySeed(from, to), original.WindowMediansBySeed(from, to)));
                if (a.Length == 0 || b.Length == 0) { tests.Add($"| {ours.Model} | {label} | – | – | – |"); continue; }
                var (u, _, p) = MannWhitney.Test(a, b);
                tests.Add($"| {ours.Model} | {label} | {a.Length} vs {b.Length} | {u:0.#} | {p:0.###}{(p < 0.05 ? " **differ**" : "")} |");
            }
            int n1 = ours.WindowMedians(1, 50).Length, n2 = original.WindowMedians(1, 50).Length;
            if (n1 > 0 && n2 > 0)
            {
                // slow starts are counts, not medians: Fisher's exact test on the 2×2 table
                double p = FisherExact.TwoSided(ours.SlowStarts, n1 - ours.SlowStarts, original.SlowStarts, n2 - original.SlowStarts);
                tests.Add($"| {ours.Model} | slow starts (Fisher's exact) | {ours.SlowStarts}/{n1} vs {original.SlowStarts}/{n2} | – | {p:0.###}{(p < 0.05 ? " **differ**" : "")} |");
            }
        }
        sb.AppendLine().AppendLine("Mann–Whitney U (ours' U against the original) on the per-seed window medians; slow-start counts by Fisher's exact test:").AppendLine();
        sb.AppendLine("| model | window | seeds (ours vs original) | U | p (two-sided) |").AppendLine("|---|---|---|---|---|");
        foreach (var t in tests) sb.AppendLine(t);
        sb.AppendLine().AppendLine("Paired by seed (with `--init original` a seed starts both from the same parameters and, the batches coming from numpy's "
            + "stream as `copytask.py` draws them, on the same batches; Wilcoxon signed-rank on the per-seed window medians, ours − original):").AppendLine();
        sb.AppendLine(PairedBySeed.Header);
        foreach (var t in paired) sb.AppendLine(t);
        CurvesFigure.Save(figurePath, task, pairs);
        sb.AppendLine().AppendLine($"![{task} learning curves]({figureLink})").AppendLine();
        return sb.ToString();
    }

    private static string F(double x) => x.ToString(x >= 1 ? "0.00" : "0.000", CultureInfo.InvariantCulture);

    private static string MeanSe(double[] xs)
    {
        if (xs.Length == 0) return "–";
        double m = xs.Average();
        double se = xs.Length > 1 ? Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Length - 1) / xs.Length) : double.NaN;
        return $"{F(m)} ± {(double.IsNaN(se) ? "–" : F(se))}";
    }
}
