using NnRnn.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Models;

/// <summary>
/// A recurrent cell whose features after the last step go through a linear read-out (the
/// reference's sequential-MNIST model). State-dict names are the reference's: <c>rnn.*</c>, <c>lin.*</c>.
/// The read-out keeps PyTorch's default Linear initialisation, as the reference's sMNIST model
/// does; pass <c>glorotReadout</c> for Glorot-normal weights instead (as the copy task).
/// </summary>
public sealed class SequenceClassifier : ReadoutModel
{
    public SequenceClassifier(RecurrentCell cell, long classes, bool glorotReadout = false, Generator? generator = null)
        : base("SequenceClassifier", cell, classes, glorotReadout, generator)
        => RegisterComponents();

    /// <summary>x [T, B, in] → logits [B, classes] from the features after the last step.</summary>
    public override Tensor forward(Tensor input) => lin.forward(FeaturesAfterLastStep(input));

    /// <summary>
    /// Copies every parameter and buffer of <paramref name="source"/> (same architecture) into this
    /// model, bit for bit, and drops cached orthogonal matrices so they are rebuilt from the copy.
    /// </summary>
    public void CopyFrom(SequenceClassifier source)
    {
        using (no_grad())
        {
            var from = source.state_dict();
            foreach (var (name, tensor) in state_dict())
            {
                if (!from.TryGetValue(name, out var value))
                    throw new ArgumentException($"the source model has no '{name}'");
                tensor.copy_(value);
            }
        }
        foreach (var f in rnn.OrthogonalFactors()) f.Refresh();
    }
}
