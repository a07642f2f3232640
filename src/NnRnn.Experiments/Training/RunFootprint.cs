using NnRnn.Cells;

namespace NnRnn.Experiments.Training;

/// <summary>
/// The shape of one training update, from a task's options: what <see cref="MemoryEstimate"/>
/// needs to bound the memory a run takes. <see cref="SequenceOption"/> names the option that sets
/// <see cref="SequenceLength"/> (null when the task fixes it, as psMNIST's 784 pixels).
/// </summary>
/// <param name="InputSize">Width of x_t (the embedding size for PTB).</param>
/// <param name="Outputs">Read-out width at each step that has one.</param>
/// <param name="OutputSteps">How many steps have a read-out (every step, or only the last).</param>
/// <param name="SequenceLength">Steps per update (kept for backward through time).</param>
/// <param name="SequenceOption">The options property that sets the length, if any.</param>
/// <param name="ExtraParameters">Parameters outside the cell and read-out (PTB's embedding).</param>
/// <param name="ExtraOption">The options property that sets <paramref name="ExtraParameters"/>.</param>
/// <param name="DataBytes">The dataset held in memory.</param>
public sealed record RunFootprint(long InputSize, long Outputs, double OutputSteps, double SequenceLength, string? SequenceOption,
    double ExtraParameters = 0, string? ExtraOption = null, double DataBytes = 0)
{
    /// <summary>Trained values of the cell (a lower bound: buffers such as expm's workspace are not counted).</summary>
    public static double CellParameters(RunOptions o, long inputSize)
    {
        double n = o.HiddenSize, input = n * inputSize;
        return o.NetType switch
        {
            NetType.Rnn or NetType.RnnOrth => input + n + n * n,
            NetType.ExpRnn => input + n * n,
            NetType.NnRnn => input + 2 * n * n + n,
            NetType.Lstm => 4 * (n * (n + inputSize) + n),
            NetType.Eurnn => (o.Fft ? Math.Ceiling(Math.Log2(Math.Max(2, n))) : Math.Max(1, o.Capacity)) * n + 2 * input + 2 * n,
            _ => input + n * n,
        };
    }

    /// <summary>Floats of N kept per step and sequence for backward (h; the LSTM's gates and c; EURNN's complex h).</summary>
    public static double StateFloats(NetType net) => net switch { NetType.Lstm => 6, NetType.Eurnn => 2, _ => 1 };
}
