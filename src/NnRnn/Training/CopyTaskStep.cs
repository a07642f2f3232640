using NnRnn.Optim;
using NnRnn.Tasks;
using static TorchSharp.torch;

namespace NnRnn.Training;

/// <summary>One training update on the copy task, in the reference's order.</summary>
public static class CopyTaskStep
{
    /// <summary>
    /// zero_grad; forward; loss (+ δ penalty, which the reference's logged loss includes); backward;
    /// orthogonal step; main step. Returns the loss and the copy accuracy of this batch.
    /// </summary>
    public static (double Loss, double Accuracy) Update(RecurrentModel model, RecurrentOptimizer optimizer,
        CopyTask task, Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var logits = model.forward(input);
        var loss = model.WithPenalty(task.Loss(logits, target));
        loss.backward();
        optimizer.Step();
        return (loss.item<float>(), task.Accuracy(logits, target));
    }
}
