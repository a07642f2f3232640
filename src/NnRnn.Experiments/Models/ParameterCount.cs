using NnRnn.Cells;
using NnRnn.Nonlinearities;

namespace NnRnn.Experiments.Models;

/// <summary>
/// The parameters of a whole model (embedding, cell, read-out) from its shape alone, without
/// building it. <see cref="Stored"/> counts every stored scalar (what a run reports);
/// <see cref="Free"/> leaves out entries the model never uses: the lower triangle and diagonal of a
/// skew coordinate (only triu(log, 1) enters expm), the same of nnRNN's T (T ⊙ M, M strictly upper),
/// and EURNN's angle slots of layers with fewer than N/2 rotations. The seed's "~1.32 M" PTB
/// column counts free parameters (expRNN N = 1386 has 1.32 M free, 2.28 M stored).
/// </summary>
public readonly record struct ParameterCount(long Stored, long Free)
{
    public static ParameterCount operator +(ParameterCount a, ParameterCount b) => new(a.Stored + b.Stored, a.Free + b.Free);

    private static ParameterCount All(long n) => new(n, n);

    /// <summary>The model a run of <paramref name="spec"/> builds around the task's <paramref name="shape"/>.</summary>
    public static ParameterCount Of(CellSpec spec, ModelShape shape)
    {
        var cell = Cell(spec);
        long outputs = spec.NetType == NetType.Eurnn ? 2 * spec.HiddenSize : spec.HiddenSize;   // EURNN reads out (Re h, Im h)
        return cell + All(shape.EmbeddingRows * shape.InputSize) + All(outputs * shape.Outputs + shape.Outputs);
    }

    /// <summary>The cell alone.</summary>
    public static ParameterCount Cell(CellSpec spec)
    {
        long n = spec.HiddenSize, i = spec.InputSize;
        long activation = spec.Activation == Activation.ModRelu ? n : 0;   // modReLU's bias
        long square = n * n, strictUpper = n * (n - 1) / 2;
        return spec.NetType switch
        {
            NetType.Rnn or NetType.RnnOrth => All(n * i + n + square + activation),              // U + bias, V
            NetType.ExpRnn => All(n * i + activation) + new ParameterCount(square, strictUpper),   // U, log
            NetType.NnRnn => All(n * i + n + activation)                                           // U, θ and γ (N/2 each)
                             + new ParameterCount(square, strictUpper)                             // P's log
                             + new ParameterCount(square, strictUpper),                            // T
            NetType.Lstm => All(4 * (n * (n + i) + n)),
            NetType.Eurnn => Eurnn(spec),
            _ => throw new ArgumentException($"unknown network {spec.NetType}", nameof(spec)),
        };
    }

    private static ParameterCount Eurnn(CellSpec spec)
    {
        long n = spec.HiddenSize;
        var layers = EurnnCell.Arrangement(n, spec.Capacity, spec.Fft);
        long rotations = layers.Sum(l => (long)l.Length);
        var angles = new ParameterCount(2 * layers.Length * (n / 2), 2 * rotations);   // θ, φ [L, N/2]
        return angles + All(n + 2 * n * spec.InputSize + n);                          // ω, input (re, im), modReLU bias
    }
}
