using NnRnn.Experiments.Models;
using NnRnn.Optim;
using NnRnn.Experiments.Tasks;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Tasks;

/// <summary>One training update on a synthetic task, in the reference's order.</summary>
public static class SyntheticTaskStep
{
    /// <summary>
    /// zero_grad; forward; loss (+ the cell's penalty, which the reference's logged loss includes);
    /// backward; orthogonal step; main step. Returns the loss and the task's score on this batch.
    /// </summary>
    public static (double Loss, double Score) Update(PerStepReadoutModel model, RecurrentOptimizer optimizer,
        ISyntheticTask task, Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var outputs = model.forward(input);
        var loss = model.WithPenalty(task.Loss(outputs, target));
        loss.backward();
        optimizer.Step();
        return (loss.item<float>(), task.ScoreName is null ? double.NaN : task.Score(outputs, target));
    }
}
