using NnRnn.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Models;

/// <summary>
/// The reference's PTB model: Embedding(vocab, emsize) → recurrent cell → decoder
/// Linear(cell.OutputSize, vocab) at every step. As in the reference, the embedding and decoder
/// weights start uniform in [−0.1, 0.1] and the decoder bias at zero. The state dict names
/// (<c>encoder.*</c>, <c>rnn.*</c>, <c>decoder.*</c>) follow the reference's module.
/// </summary>
public sealed class LanguageModel : nn.Module<Tensor, RecurrentState?, (Tensor Logits, RecurrentState Final)>
{
    private const double InitRange = 0.1;

    private readonly Embedding encoder;
    private readonly RecurrentCell rnn;
    private readonly Linear decoder;

    /// <summary>The model around <paramref name="cell"/>; its initial draws come from <paramref name="generator"/> (libtorch's global one when null).</summary>
    public LanguageModel(RecurrentCell cell, long vocabulary, Generator? generator = null) : base("LanguageModel")
    {
        if (vocabulary <= 0) throw new ArgumentException($"vocabulary size must be positive (got {vocabulary})");
        Vocabulary = vocabulary;
        encoder = WeightInit.Embedding(vocabulary, cell.InputSize, generator);
        rnn = cell;
        decoder = WeightInit.Linear(cell.OutputSize, vocabulary, hasBias: true, generator);
        using (no_grad())
        {
            encoder.weight!.uniform_(-InitRange, InitRange, generator);
            decoder.weight!.uniform_(-InitRange, InitRange, generator);
            nn.init.zeros_(decoder.bias!);
        }
        RegisterComponents();
    }

    public RecurrentCell Cell => rnn;

    public long Vocabulary { get; }

    /// <summary>How the cell is unrolled (fused BPTT by default).</summary>
    public UnrollMode Mode { get; set; } = UnrollMode.Fused;

    /// <summary>
    /// Token ids x [T, B] (int64) from <paramref name="state"/> (zeros when null) → logits
    /// [T, B, vocab] and the final state. The cell is prepared once per call, so nnRNN's recurrent
    /// matrix is built once per window.
    /// </summary>
    public override (Tensor Logits, RecurrentState Final) forward(Tensor input, RecurrentState? state)
    {
        if (input.dim() != 2) throw new ArgumentException($"expected token ids [T, batch], got [{string.Join(", ", input.shape)}]");
        // the embedding lookup and the cell's input map as one: the map applies to the table's rows once
        var (features, final) = SequenceRunner.RunEmbedded(rnn, input, encoder.weight!, state, Mode);
        return (decoder.forward(features), final);
    }

    /// <summary>The cell's zero state for <paramref name="batch"/> columns.</summary>
    public RecurrentState InitialState(long batch) => rnn.InitialState(batch, decoder.weight!.device, decoder.weight!.dtype);

    /// <summary>The task loss plus the cell's regulariser (nnRNN's δ term).</summary>
    public Tensor WithPenalty(Tensor taskLoss) => rnn.WithPenalty(taskLoss);
}
