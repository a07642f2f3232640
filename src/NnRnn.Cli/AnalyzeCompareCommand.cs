using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using NnRnn.Analysis.Figures;
using NnRnn.Analysis.Runs;
using NnRnn.Analysis.Structure;
using static NnRnn.Cli.AnalyzeOutput;

namespace NnRnn.Cli;

/// <summary>
/// <c>nnrnn analyze compare RUN_DIR…</c>: the numbers of <c>analyze matrix</c> side by side (a
/// Markdown table) and one figure overlaying the runs' eigenvalues and angle histograms.
/// </summary>
public static class AnalyzeCompareCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("RUN_DIR") { Description = "two or more run directories", Arity = ArgumentArity.OneOrMore };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "state dict file to read in every run instead of model.pt" };
        var outDir = new Option<string?>("--out") { Description = "output folder (default analysis-compare)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object to stdout" };
        var command = new Command("compare", "Compare the structure of several runs: Markdown table and overlay figure.");
        command.Arguments.Add(runs);
        foreach (var o in new Option[] { checkpoint, outDir, json }) command.Options.Add(o);
        command.SetAction(r => Guard(() =>
        {
            var dirs = r.GetValue(runs)!;
            var reports = dirs.Select(d => MatrixReport.Of(RunReader.Read(d, r.GetValue(checkpoint)))).ToList();
            var folder = Folder(r.GetValue(outDir), "analysis-compare");
            var table = Table(reports);
            File.WriteAllText(Path.Combine(folder, "compare.md"), table);
            CompareFigure.Save(Path.Combine(folder, "compare.png"),
                reports.Select(m => ($"{m.Source.Name} ({m.Source.NetType})", m.Schur.Eigenvalues, m.Angles)).ToList());
            var node = new JsonObject
            {
                ["runs"] = new JsonArray(reports.Select(m => (JsonNode?)AnalyzeMatrixReport.Json(m)).ToArray()),
                ["table"] = table,
                ["out"] = folder,
            };
            WriteJson(Path.Combine(folder, "compare.json"), node);
            if (r.GetValue(json)) PrintJson(node);
            else
            {
                Console.Write(table);
                Console.WriteLine($"wrote {folder}/: compare.md, compare.json, compare.png");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>One row per number, one column per run.</summary>
    public static string Table(IReadOnlyList<MatrixReport> reports)
    {
        var text = new StringBuilder();
        text.Append("| measure | ").Append(string.Join(" | ", reports.Select(m => $"{m.Source.Name} ({m.Source.NetType})"))).Append(" |\n");
        text.Append("|---|").Append(string.Concat(reports.Select(_ => "---|"))).Append('\n');
        var rows = reports.Select(AnalyzeMatrixReport.Rows).ToList();
        for (int k = 0; k < rows[0].Count; k++)
        {
            if (rows.All(row => row[k].Value is null)) continue;
            text.Append("| ").Append(rows[0][k].Label.Replace("|", "\\|")).Append(" | ")
                .Append(string.Join(" | ", rows.Select(row => row[k].Value is double v ? Number(v) : "–"))).Append(" |\n");
        }
        return text.ToString();
    }
}
