namespace NnRnn.Optim;

/// <summary>
/// The seed's optimiser options. <see cref="Validate"/> throws <see cref="ArgumentException"/>
/// whose <see cref="ArgumentException.ParamName"/> is the property's name.
/// </summary>
public sealed record OptimizerSettings
{
    /// <summary>RMSprop or Adam (also used for the orthogonal optimizer, as in the reference).</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.RMSprop;

    /// <summary>Learning rate of the main optimizer.</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>Learning rate of the orthogonal optimizer.</summary>
    public double OrthogonalLearningRate { get; init; } = 1e-6;

    /// <summary>RMSprop smoothing constant.</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary>Adam's (β1, β2).</summary>
    public (double Beta1, double Beta2) Betas { get; init; } = (0.9, 0.999);

    /// <summary>L2 weight decay on nnRNN's non-normal part T only (the seed's <c>Tdecay</c>).</summary>
    public double NonNormalDecay { get; init; } = 1e-6;

    /// <summary>Max gradient norm over all parameters; 0 disables clipping.</summary>
    public double Clip { get; init; }

    /// <summary>Eps of both optimizers (PyTorch default, added outside the square root).</summary>
    public double Eps { get; init; } = 1e-8;

    /// <summary>Throws when a value is out of range (every value must be finite: Infinity or NaN would train to NaN).</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentException($"unknown optimizer {Optimizer}", nameof(Optimizer));
        if (!(double.IsFinite(LearningRate) && LearningRate > 0)) throw new ArgumentException($"expected a finite number > 0 (got {LearningRate})", nameof(LearningRate));
        NonNegative(OrthogonalLearningRate, nameof(OrthogonalLearningRate));
        if (!(Alpha >= 0 && Alpha < 1)) throw new ArgumentException($"expected a number in [0, 1) (got {Alpha})", nameof(Alpha));
        if (!(Betas.Beta1 >= 0 && Betas.Beta1 < 1 && Betas.Beta2 >= 0 && Betas.Beta2 < 1))
            throw new ArgumentException($"expected two numbers in [0, 1) (got {Betas.Beta1} {Betas.Beta2})", nameof(Betas));
        NonNegative(NonNormalDecay, nameof(NonNormalDecay));
        NonNegative(Clip, nameof(Clip));
        if (!(double.IsFinite(Eps) && Eps > 0)) throw new ArgumentException($"expected a finite number > 0 (got {Eps})", nameof(Eps));
    }

    private static void NonNegative(double value, string name)
    {
        if (!(double.IsFinite(value) && value >= 0)) throw new ArgumentException($"expected a finite number >= 0 (got {value})", name);
    }
}
