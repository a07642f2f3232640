using NnRnn.Orthogonal;

namespace NnRnn.Cells;

/// <summary>What selects and shapes a cell (the seed's model options).</summary>
public sealed record CellSpec(
    string NetType,
    long InputSize,
    long HiddenSize,
    string Nonlin = "modrelu",
    string RInit = "cayley",
    string IInit = "xavier",
    double Alam = 1e-4,
    OrthogonalGradient Gradient = OrthogonalGradient.Frechet,
    int Capacity = 2,
    bool Fft = false);

/// <summary>Builds a cell from its <c>--net-type</c> name.</summary>
public static class CellFactory
{
    /// <summary>The names accepted by <c>--net-type</c>.</summary>
    public static readonly string[] NetTypes = { "RNN", "RNN-orth", "expRNN", "nnRNN", "LSTM", "EURNN" };

    /// <summary>The canonical spelling of a <c>--net-type</c> value, or an error naming the choices.</summary>
    public static string Canonical(string netType)
        => NetTypes.FirstOrDefault(n => string.Equals(n, netType, StringComparison.OrdinalIgnoreCase))
           ?? throw new ArgumentException($"--net-type: unknown network '{netType}' (expected one of: {string.Join(", ", NetTypes)})");

    public static RecurrentCell Create(CellSpec spec) => Canonical(spec.NetType) switch
    {
        "RNN" => new VanillaRnnCell(spec.InputSize, spec.HiddenSize, spec.Nonlin, spec.RInit, spec.IInit),
        "RNN-orth" => new VanillaRnnCell(spec.InputSize, spec.HiddenSize, spec.Nonlin, spec.RInit, spec.IInit, orthogonalInit: true),
        "expRNN" => new ExpRnnCell(spec.InputSize, spec.HiddenSize, spec.Nonlin, spec.RInit, spec.IInit, spec.Gradient),
        "nnRNN" => new NnRnnCell(spec.InputSize, spec.HiddenSize, spec.Nonlin, spec.RInit, spec.IInit, spec.Alam, spec.Gradient),
        "LSTM" => new LstmCell(spec.InputSize, spec.HiddenSize, spec.RInit),
        "EURNN" => new EurnnCell(spec.InputSize, spec.HiddenSize, spec.Capacity, spec.Fft, spec.IInit),
        _ => throw new InvalidOperationException(),
    };
}
