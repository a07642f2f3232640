using NnRnn.Cells;
using NnRnn.Orthogonal;
using NnRnn.Parametrizations;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Optim;

/// <summary>
/// The reference's two optimizers: the main one (lr) over every parameter except the orthogonal
/// coordinates, with the cell's decayed parameters (nnRNN's T) in their own group at weight decay
/// <c>--Tdecay</c>; and the orthogonal one (lr_orth, same kind) over the skew coordinates.
/// An update is: <see cref="ZeroGrad"/>, forward, backward, <see cref="Step"/>.
/// </summary>
public sealed class RecurrentOptimizer : IDisposable
{
    private readonly OptimizerHelper main;
    private readonly OptimizerHelper? orthogonal;
    private readonly OrthogonalParametrization[] factors;
    private readonly Parameter[] all;

    /// <summary>The optimizers of <paramref name="model"/>, whose recurrent part is <paramref name="cell"/>, with <paramref name="settings"/> (validated here).</summary>
    public RecurrentOptimizer(nn.Module model, RecurrentCell cell, OptimizerSettings settings)
    {
        settings.Validate();
        Settings = settings;
        factors = cell.OrthogonalFactors().ToArray();
        var orthogonalParams = factors.Select(f => f.Log).ToArray();
        var decayed = cell.DecayedParameters().ToArray();
        all = model.parameters().ToArray();
        var plain = all.Where(p => !orthogonalParams.Contains(p) && !decayed.Contains(p)).ToArray();

        main = Build(settings, settings.LearningRate, plain, decayed);
        if (orthogonalParams.Length > 0)
            orthogonal = Build(settings, settings.OrthogonalLearningRate, orthogonalParams, Array.Empty<Parameter>());
    }

    /// <summary>The settings the optimizers were built with (unscaled learning rates).</summary>
    public OptimizerSettings Settings { get; }

    /// <summary>Where the parameters (and so the optimizer state) live.</summary>
    public Device Device => all.Length > 0 ? all[0].device : CPU;

    /// <summary>The main optimizer (for checkpoints and LR schedules).</summary>
    public OptimizerHelper Main => main;

    /// <summary>The orthogonal optimizer, or null when the model has no orthogonal factor.</summary>
    public OptimizerHelper? Orthogonal => orthogonal;

    /// <summary>Zeroes the gradients of both optimizers' parameters.</summary>
    public void ZeroGrad()
    {
        main.zero_grad();
        orthogonal?.zero_grad();
    }

    /// <summary>
    /// After backward: moves dL/dB onto the skew coordinates (Fréchet route), measures
    /// <see cref="GradientNorm"/> and clips.
    /// </summary>
    public void PrepareGradients()
    {
        foreach (var f in factors) f.BackpropagateToLog();
        var withGradient = all.Where(p => p.grad is not null).ToArray();
        if (Settings.Clip > 0)
            GradientNorm = nn.utils.clip_grad_norm_(withGradient, Settings.Clip);
        else
        {
            using var scope = NewDisposeScope();
            GradientNorm = withGradient.Length == 0 ? 0 : stack(withGradient.Select(p => p.grad!.norm().to_type(ScalarType.Float64))).norm().item<double>();
            // a float32 norm overflows once the gradients pass ~1e19 while every gradient is still finite
            // (an exploding RNN, which the reference trains on): measure again in float64 before calling it diverged
            if (!double.IsFinite(GradientNorm))
                GradientNorm = stack(withGradient.Select(p => p.grad!.to_type(ScalarType.Float64).norm())).norm().item<double>();
        }
    }

    /// <summary>
    /// The 2-norm of every gradient together at the last <see cref="PrepareGradients"/> (before
    /// clipping): a non-finite value means the update diverged (the trainer stops the run).
    /// </summary>
    public double GradientNorm { get; private set; }

    /// <summary>Steps both optimizers (orthogonal first, as the reference) and rebuilds the orthogonal matrices.</summary>
    public void ApplyStep()
    {
        orthogonal?.step();
        main.step();
        foreach (var f in factors) f.Refresh();
        Devices.FinalizedNativeMemory.Release();   // the update's Scalars, before they fragment the native heap
    }

    /// <summary><see cref="PrepareGradients"/> then <see cref="ApplyStep"/>.</summary>
    public void Step()
    {
        PrepareGradients();
        ApplyStep();
    }

    /// <summary>The main optimizer's learning rate now (its first parameter group).</summary>
    public double LearningRate => main.ParamGroups.First().LearningRate;

    /// <summary>The orthogonal optimizer's learning rate now, or null without an orthogonal factor.</summary>
    public double? OrthogonalLearningRate => orthogonal?.ParamGroups.First().LearningRate;

    /// <summary>Sets both optimizers' rates to the settings' (lr, lr_orth) · <paramref name="scale"/> (e.g. what a resumed schedule dictates).</summary>
    public void SetLearningRateScale(double scale)
    {
        foreach (var g in main.ParamGroups) g.LearningRate = Settings.LearningRate * scale;
        if (orthogonal is not null)
            foreach (var g in orthogonal.ParamGroups) g.LearningRate = Settings.OrthogonalLearningRate * scale;
    }

    /// <summary>Multiplies the learning rates of both optimizers (PTB halves them on a plateau).</summary>
    public void ScaleLearningRates(double factor)
    {
        foreach (var g in main.ParamGroups) g.LearningRate *= factor;
        if (orthogonal is not null) foreach (var g in orthogonal.ParamGroups) g.LearningRate *= factor;
    }

    /// <summary>
    /// Rebuilds the cached orthogonal matrices from their coordinates: call after the parameters
    /// were loaded from elsewhere (a checkpoint, a state dict).
    /// </summary>
    public void RefreshOrthogonalMatrices()
    {
        foreach (var f in factors) f.Refresh();
    }

    private static OptimizerHelper Build(OptimizerSettings s, double lr, Parameter[] plain, Parameter[] decayed)
    {
        if (s.Optimizer == OptimizerKind.Adam)
        {
            var groups = new List<Adam.ParamGroup> { new(plain, lr: lr, beta1: s.Betas.Beta1, beta2: s.Betas.Beta2, eps: s.Eps, weight_decay: 0) };
            if (decayed.Length > 0)
                groups.Add(new(decayed, lr: lr, beta1: s.Betas.Beta1, beta2: s.Betas.Beta2, eps: s.Eps, weight_decay: s.NonNormalDecay));
            return optim.Adam(groups, lr, s.Betas.Beta1, s.Betas.Beta2, s.Eps);
        }
        var rms = new List<RMSProp.ParamGroup> { new(plain, lr: lr, eps: s.Eps, alpha: s.Alpha, weight_decay: 0) };
        if (decayed.Length > 0)
            rms.Add(new(decayed, lr: lr, eps: s.Eps, alpha: s.Alpha, weight_decay: s.NonNormalDecay));
        return optim.RMSProp(rms, lr, s.Alpha, s.Eps);
    }

    /// <summary>Disposes both optimizers.</summary>
    public void Dispose()
    {
        main.Dispose();
        orthogonal?.Dispose();
    }
}
