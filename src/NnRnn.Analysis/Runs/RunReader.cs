using System.Text.Json.Nodes;
using NnRnn.Analysis.Linear;
using NnRnn.Cells;
using NnRnn.Orthogonal;
using static TorchSharp.torch;

namespace NnRnn.Analysis.Runs;

/// <summary>
/// Reads the trained recurrent matrix out of a run directory: options.json says which cell
/// (<c>net-type</c>), the state dict (model.pt, or <c>--checkpoint</c>) holds its parameters. The
/// matrices are rebuilt in float64 from the parameters, with the cells' own formulas.
/// </summary>
public static class RunReader
{
    public const string DefaultCheckpoint = "model.pt";

    /// <summary>LSTM gates selectable with <c>--gate</c>: the hidden-to-hidden block of each.</summary>
    public static readonly string[] Gates = { "f", "i", "o", "g" };

    /// <param name="checkpoint">A state dict file: a path, or a name inside the run directory; null for model.pt.</param>
    /// <param name="gate">For LSTM, which gate's hidden-to-hidden block; ignored otherwise.</param>
    public static TrainedRecurrence Read(string runDir, string? checkpoint = null, string? gate = null)
    {
        if (!Directory.Exists(runDir)) throw new DirectoryNotFoundException($"{runDir}: not a run directory (no such directory)");
        var optionsPath = Path.Combine(runDir, "options.json");
        if (!File.Exists(optionsPath)) throw new FileNotFoundException($"{runDir}: not a run directory (no options.json)");
        JsonNode? parsed;
        try { parsed = JsonNode.Parse(File.ReadAllText(optionsPath)); }
        catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"{optionsPath}: not JSON ({e.Message.Split('\n')[0].Trim()})"); }
        var options = parsed as JsonObject ?? throw new InvalidDataException($"{optionsPath}: expected a JSON object");
        var netName = (options["net-type"] ?? options["net_type"])?.GetValue<string>()
                      ?? throw new InvalidDataException($"{optionsPath}: no net-type");
        string netType;
        try { netType = SeedNames.Of(SeedNames.Parse<NetType>(netName, "net-type")); }
        catch (ArgumentException e) { throw new InvalidDataException($"{optionsPath}: net-type: {CellFactory.Bare(e)}"); }

        var statePath = ResolveCheckpoint(runDir, checkpoint);
        if (checkpoint is null && !File.Exists(statePath))
            throw new FileNotFoundException($"{runDir}: no model.pt (the run has not finished; --checkpoint reads another state dict, e.g. best.pt)");
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDir)));
        if (netType == "EURNN")
            throw new ArgumentException($"{runDir}: EURNN has a complex unitary recurrent matrix; analyze handles real matrices only");
        if (netType == "LSTM" && gate is null)
            throw new ArgumentException($"{runDir}: LSTM has no single recurrent matrix (four gate blocks); choose one with --gate {string.Join("|", Gates)}");

        using var state = StateDict.Load(statePath);
        using var scope = NewDisposeScope();
        switch (netType)
        {
            case "RNN":
            case "RNN-orth":
                // h V^T: the row-convention matrix is Vᵀ.
                return new(name, netType, statePath, Dense.FromTensor(state.Get("V.weight").t()), null);
            case "expRNN":
                return new(name, netType, statePath, Orthogonal(state.Get("orthogonal.log")), null);
            case "nnRNN":
                var factors = NnRnnFactorsOf(state);
                return new(name, netType, statePath, factors.Recurrent, factors);
            default:   // LSTM
                if (!Gates.Contains(gate)) throw new ArgumentException($"--gate: expected one of {string.Join(", ", Gates)}, got '{gate}'");
                var weight = state.Get($"W{gate}.weight");
                long n = weight.shape[0];
                // gates = … + h_{t−1} W_gate[:, :N]ᵀ (LstmCell): row convention W = W_gate[:, :N]ᵀ.
                return new($"{name} (gate {gate})", netType, statePath, Dense.FromTensor(weight[.., ..(int)n].t()), null);
        }
    }

    private static string ResolveCheckpoint(string runDir, string? checkpoint)
    {
        if (checkpoint is null) return Path.Combine(runDir, DefaultCheckpoint);
        var inRun = Path.Combine(runDir, checkpoint);
        if (File.Exists(inRun)) return inRun;
        if (File.Exists(checkpoint)) return checkpoint;
        throw new FileNotFoundException($"--checkpoint: neither '{inRun}' nor '{checkpoint}' exists");
    }

    private static double[,] Orthogonal(Tensor log)
        => Dense.FromTensor(MatrixExponential.Expm(Skew.FromFree(log)));

    private static NnRnnFactors NnRnnFactorsOf(StateDict state)
    {
        var theta = state.Get("theta");
        var gamma = state.Get("gamma");
        return new NnRnnFactors(
            Orthogonal(state.Get("P.log")),
            Dense.FromTensor(NnRnnCell.BlockRotation(theta, gamma)),
            Dense.FromTensor(state.Get("T").triu(1)),
            theta.data<double>().ToArray(),
            gamma.data<double>().ToArray());
    }
}
