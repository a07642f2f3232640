using NnRnn.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Training;

/// <summary>A recurrent cell followed by a linear read-out at every step (the reference's copy-task model).</summary>
public sealed class RecurrentModel : nn.Module<Tensor, Tensor>
{
    private readonly RecurrentCell rnn;
    private readonly Linear lin;

    public RecurrentModel(RecurrentCell cell, long outputs, bool glorotReadout = true) : base("RecurrentModel")
    {
        rnn = cell;
        lin = nn.Linear(cell.OutputSize, outputs);
        if (glorotReadout)
            using (no_grad()) nn.init.xavier_normal_(lin.weight!);
        RegisterComponents();
    }

    public RecurrentCell Cell => rnn;

    public Linear Readout => lin;

    /// <summary>How the cell is unrolled (fused BPTT by default).</summary>
    public UnrollMode Mode { get; set; } = UnrollMode.Fused;

    /// <summary>The hidden features of the last <see cref="forward"/> ([T, B, OutputSize]).</summary>
    public Tensor? LastFeatures { get; private set; }

    /// <summary>x [T, B, in] → logits [T, B, outputs].</summary>
    public override Tensor forward(Tensor input)
    {
        var (features, _) = SequenceRunner.Run(rnn, input, null, Mode);
        LastFeatures = features;
        return lin.forward(features);
    }

    /// <summary>The task loss plus the cell's regulariser.</summary>
    public Tensor WithPenalty(Tensor taskLoss)
    {
        var penalty = rnn.Penalty();
        return penalty is null ? taskLoss : taskLoss + penalty;
    }
}
