using System.CommandLine;
using NnRnn.Analysis.Figures;
using NnRnn.Analysis.Linear;
using NnRnn.Analysis.Runs;
using NnRnn.Analysis.Structure;
using static NnRnn.Cli.AnalyzeOutput;

namespace NnRnn.Cli;

/// <summary>
/// <c>nnrnn analyze matrix RUN_DIR</c>: the trained recurrent matrix W, its eigenvalues, real Schur
/// form W = Q S Qᵀ (for nnRNN also the learned Λ + T), angle histogram and non-normality numbers.
/// </summary>
public static class AnalyzeMatrixCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("RUN_DIR") { Description = "a run directory (options.json + model.pt)" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "state dict file to read instead of model.pt (e.g. best.pt; a name in the run directory or a path)" };
        var gate = new Option<string?>("--gate") { Description = "LSTM only: the gate whose hidden-to-hidden block to analyse (f, i, o, g)" };
        var outDir = new Option<string?>("--out") { Description = "output folder (default RUN_DIR/analysis)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object to stdout" };
        var command = new Command("matrix", "Eigenvalues, real Schur form, rotation angles and non-normality of a trained run's W.");
        command.Arguments.Add(run);
        foreach (var o in new Option[] { checkpoint, gate, outDir, json }) command.Options.Add(o);
        command.SetAction(r => Guard(() =>
        {
            var dir = r.GetValue(run)!;
            var source = RunReader.Read(dir, r.GetValue(checkpoint), r.GetValue(gate));
            var folder = Folder(r.GetValue(outDir), Path.Combine(dir, "analysis"));
            var report = MatrixReport.Of(source);
            Write(folder, report);
            var node = AnalyzeMatrixReport.Json(report);
            node["out"] = folder;
            WriteJson(Path.Combine(folder, "matrix.json"), node);
            if (r.GetValue(json)) PrintJson(node);
            else
            {
                Console.WriteLine($"{source.Name} ({source.NetType}, {source.Source})");
                foreach (var (_, label, value) in AnalyzeMatrixReport.Rows(report))
                    if (value is double v) Console.WriteLine($"  {label}: {Number(v)}");
                Console.WriteLine($"wrote {folder}/: eigenvalues.png, schur.png, angles.png{(source.Factors is null ? "" : ", factors.png")}, matrix.json, eigenvalues.csv, schur_S.csv");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Colour limit that keeps the feed-forward part visible: max |entry| above the diagonal blocks;
    /// null (full range) when that part is rounding noise (a normal W), which clipping would inflate.
    /// </summary>
    private static double? OffBlockMax(double[,] s, int[] blockStarts)
    {
        int n = s.GetLength(0);
        double max = 0, all = 0;
        foreach (var x in s) all = Math.Max(all, Math.Abs(x));
        for (int b = 0; b < blockStarts.Length; b++)
        {
            int end = b + 1 < blockStarts.Length ? blockStarts[b + 1] : n;
            for (int i = blockStarts[b]; i < end; i++)
                for (int j = end; j < n; j++) max = Math.Max(max, Math.Abs(s[i, j]));
        }
        return max > 1e-8 * all ? max : null;
    }

    private static void Write(string folder, MatrixReport report)
    {
        var s = report.Source;
        var eig = report.Schur.Eigenvalues;
        EigenvalueFigure.Save(Path.Combine(folder, "eigenvalues.png"), $"Eigenvalues of W: {s.Name} ({s.NetType})",
            new[] { ($"eigenvalues of W (spectral radius {report.SpectralRadius:F3})", eig) });
        HeatmapFigure.Save(Path.Combine(folder, "schur.png"),
            $"Real Schur form S of W = Q S Qᵀ: {s.Name} (error {report.Schur.ReconstructionError:E1})", report.Schur.S, "Schur basis",
            OffBlockMax(report.Schur.S, report.Schur.BlockStarts));
        var angles = new List<(string, double[])> { ("Schur blocks of W", report.Angles) };
        if (s.Factors is { } f)
        {
            HeatmapFigure.Save(Path.Combine(folder, "factors.png"), $"Learned Λ + T (nnRNN, W = P (Λ + T) Pᵀ): {s.Name}", f.Core, "Schur basis P",
                OffBlockMax(f.Core, Normality.PairBlocks(f.Core.GetLength(0))));
            angles.Add(("learned θ_k of Λ", report.FactorAngles!));
        }
        AngleHistogramFigure.Save(Path.Combine(folder, "angles.png"), $"Rotation angles of the 2×2 blocks: {s.Name}", angles);
        WriteCsv(Path.Combine(folder, "eigenvalues.csv"), "re,im,modulus,angle",
            eig.Select(l => new object[] { l.Real, l.Imaginary, l.Magnitude, l.Phase }));
        WriteMatrixCsv(Path.Combine(folder, "schur_S.csv"), report.Schur.S);
        if (s.Factors is { } g) WriteMatrixCsv(Path.Combine(folder, "factors_core.csv"), g.Core);
    }
}
