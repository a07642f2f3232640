using NnRnn.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Models;

/// <summary>
/// A recurrent cell followed by a linear read-out (state-dict names <c>rnn.*</c>, <c>lin.*</c>, as
/// the reference). Subclasses choose where the read-out applies: every step or the last one.
/// </summary>
public abstract class ReadoutModel : nn.Module<Tensor, Tensor>
{
    // Protected (not private) so that a subclass's RegisterComponents() finds them.
    protected readonly RecurrentCell rnn;
    protected readonly Linear lin;

    /// <param name="glorotReadout">Glorot-normal read-out weights (copy task); else PyTorch's default init.</param>
    /// <param name="generator">The read-out's initial draws come from it (libtorch's global generator when null).</param>
    /// <param name="style">Original: the Glorot read-out is a real normal (torch.nn.init.xavier_normal_).</param>
    protected ReadoutModel(string name, RecurrentCell cell, long outputs, bool glorotReadout, Generator? generator = null,
        InitStyle style = InitStyle.Documented) : base(name)
    {
        if (outputs <= 0) throw new ArgumentException($"the read-out needs a positive number of outputs (got {outputs})");
        rnn = cell;
        lin = WeightInit.Linear(cell.OutputSize, outputs, hasBias: true, generator);
        if (glorotReadout)
            WeightInit.Apply(lin.weight!, Initializer.Xavier, nameof(glorotReadout), generator, style);
    }

    public RecurrentCell Cell => rnn;

    public Linear Readout => lin;

    /// <summary>How the cell is unrolled (fused BPTT by default).</summary>
    public UnrollMode Mode { get; set; } = UnrollMode.Fused;

    /// <summary>The cell's features at every step, x [T, B, in] → [T, B, OutputSize], from a zero state.</summary>
    protected Tensor Features(Tensor input) => SequenceRunner.Run(rnn, input, null, Mode).Outputs;

    /// <summary>The features after the last step only ([B, OutputSize]).</summary>
    protected Tensor FeaturesAfterLastStep(Tensor input) => SequenceRunner.RunLast(rnn, input, null, Mode);

    /// <summary>The task loss plus the cell's regulariser (nnRNN's δ term).</summary>
    public Tensor WithPenalty(Tensor taskLoss) => rnn.WithPenalty(taskLoss);
}
