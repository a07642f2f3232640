using NnRnn.Nonlinearities;
using NnRnn.Orthogonal;
using NnRnn.Randomness;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>What selects and shapes a cell (the seed's model options), for <see cref="CellFactory.Create"/>.</summary>
/// <param name="NetType">Which network.</param>
/// <param name="InputSize">Width of x_t.</param>
/// <param name="HiddenSize">N, the hidden units.</param>
/// <param name="Activation">σ (EURNN and LSTM have their own).</param>
/// <param name="RecurrentInit">Initialiser of the recurrent matrix (orthogonal for nnRNN, expRNN, RNN-orth).</param>
/// <param name="InputInit">Initialiser of the input matrix: xavier or kaiming.</param>
/// <param name="Delta">nnRNN's δ, the penalty on γ.</param>
/// <param name="Gradient">How gradients reach an orthogonal factor's skew coordinate.</param>
/// <param name="Capacity">EURNN: rotation layers (tunable space).</param>
/// <param name="Fft">EURNN: the FFT-style arrangement.</param>
/// <param name="Generator">Every initial draw comes from it (libtorch's global generator when null); a training run passes its own.</param>
/// <param name="Init">Which initial distributions: the reference code's effective ones or the documented ones.</param>
/// <param name="Numpy">
/// With <see cref="InitStyle.Original"/>: numpy's stream seeded as the reference seeds it, for the
/// values the reference draws with numpy (skew coordinates, nnRNN's θ); with the seed's torch
/// generator in <see cref="Generator"/> the cell then starts from the reference's very parameters.
/// </param>
public sealed record CellSpec(
    NetType NetType,
    long InputSize,
    long HiddenSize,
    Activation Activation = Activation.ModRelu,
    Initializer RecurrentInit = Initializer.Cayley,
    Initializer InputInit = Initializer.Xavier,
    double Delta = 1e-4,
    OrthogonalGradient Gradient = OrthogonalGradient.Frechet,
    int Capacity = 2,
    bool Fft = false,
    Generator? Generator = null,
    InitStyle Init = InitStyle.Documented,
    NumpyRandomState? Numpy = null);

/// <summary>Builds a cell from a <see cref="CellSpec"/>; the cell's constructor checks the values.</summary>
public static class CellFactory
{
    /// <summary>
    /// The cell the spec describes. An invalid value throws <see cref="ArgumentException"/> whose
    /// <see cref="ArgumentException.ParamName"/> is the spec's property name (e.g. <c>HiddenSize</c>).
    /// </summary>
    public static RecurrentCell Create(CellSpec spec)
    {
        try
        {
            return spec.NetType switch
            {
                NetType.Rnn => new VanillaRnnCell(spec.InputSize, spec.HiddenSize, spec.Activation, spec.RecurrentInit, spec.InputInit, generator: spec.Generator, style: spec.Init, numpy: spec.Numpy),
                NetType.RnnOrth => new VanillaRnnCell(spec.InputSize, spec.HiddenSize, spec.Activation, spec.RecurrentInit, spec.InputInit, orthogonalInit: true, spec.Generator, spec.Init, spec.Numpy),
                NetType.ExpRnn => new ExpRnnCell(spec.InputSize, spec.HiddenSize, spec.Activation, spec.RecurrentInit, spec.InputInit, spec.Gradient, spec.Generator, spec.Init, spec.Numpy),
                NetType.NnRnn => new NnRnnCell(spec.InputSize, spec.HiddenSize, spec.Activation, spec.RecurrentInit, spec.InputInit, spec.Delta, spec.Gradient, spec.Generator, spec.Init, spec.Numpy),
                NetType.Lstm => new LstmCell(spec.InputSize, spec.HiddenSize, spec.RecurrentInit, spec.Generator, spec.Init),
                NetType.Eurnn => new EurnnCell(spec.InputSize, spec.HiddenSize, spec.Capacity, spec.Fft, spec.InputInit, spec.Generator),
                _ => throw new ArgumentException($"unknown network {spec.NetType}", nameof(CellSpec.NetType)),
            };
        }
        catch (ArgumentException e) when (e.ParamName is { Length: > 0 } p && char.IsLower(p[0]))
        {
            // a constructor parameter (hiddenSize) is the spec's property (HiddenSize)
            throw new ArgumentException(Bare(e), char.ToUpperInvariant(p[0]) + p[1..], e);
        }
    }

    /// <summary>An exception's message without the " (Parameter 'x')" that ArgumentException appends.</summary>
    public static string Bare(ArgumentException e)
        => e.ParamName is { } p && e.Message.EndsWith($" (Parameter '{p}')") ? e.Message[..^$" (Parameter '{p}')".Length] : e.Message;
}
