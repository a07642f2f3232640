using NnRnn.Analysis.Linear;

namespace NnRnn.Analysis.Runs;

/// <summary>
/// The recurrent matrix of a trained run, in the reference code's convention h_t = σ(… + h_{t−1} W)
/// (row vectors, REFERENCE.md), so that nnRNN's W = P (Λ + T) Pᵀ reads as in the paper. The linear
/// dynamics of column vectors is h_t = Wᵀ h_{t−1}: <see cref="Propagator"/>.
/// </summary>
/// <param name="Name">A short label (the run directory's name, plus the gate for LSTM).</param>
/// <param name="Factors">nnRNN's learned factors; null for other cells.</param>
public sealed record TrainedRecurrence(string Name, string NetType, string Source, double[,] W, NnRnnFactors? Factors)
{
    public int Size => W.GetLength(0);

    /// <summary>A = Wᵀ: h_{t+1} = A h_t for column vectors (what transients and Fisher memory use).</summary>
    public double[,] Propagator => Dense.Transpose(W);
}
