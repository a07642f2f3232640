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

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentException($"unknown optimizer {Optimizer}", nameof(Optimizer));
        if (!(LearningRate > 0)) throw new ArgumentException($"must be positive (got {LearningRate})", nameof(LearningRate));
        if (!(OrthogonalLearningRate >= 0)) throw new ArgumentException($"must be non-negative (got {OrthogonalLearningRate})", nameof(OrthogonalLearningRate));
        if (!(Alpha >= 0 && Alpha < 1)) throw new ArgumentException($"must be in [0, 1) (got {Alpha})", nameof(Alpha));
        if (!(Betas.Beta1 >= 0 && Betas.Beta1 < 1 && Betas.Beta2 >= 0 && Betas.Beta2 < 1))
            throw new ArgumentException($"both must be in [0, 1) (got {Betas.Beta1} {Betas.Beta2})", nameof(Betas));
        if (!(NonNormalDecay >= 0)) throw new ArgumentException($"must be non-negative (got {NonNormalDecay})", nameof(NonNormalDecay));
        if (!(Clip >= 0)) throw new ArgumentException($"must be non-negative (got {Clip})", nameof(Clip));
    }
}
