namespace NnRnn.Optim;

/// <summary>The seed's optimiser options.</summary>
public sealed record OptimizerSettings
{
    /// <summary><c>--optimizer</c>: RMSprop or Adam (also used for the orthogonal optimizer, as in the reference).</summary>
    public string Kind { get; init; } = "RMSprop";

    /// <summary><c>--lr</c>: learning rate of the main optimizer.</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary><c>--lr_orth</c>: learning rate of the orthogonal optimizer.</summary>
    public double OrthogonalLearningRate { get; init; } = 1e-6;

    /// <summary><c>--alpha</c>: RMSprop smoothing constant.</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary><c>--betas</c>: Adam's (β1, β2).</summary>
    public (double Beta1, double Beta2) Betas { get; init; } = (0.9, 0.999);

    /// <summary><c>--Tdecay</c>: L2 weight decay on nnRNN's T only.</summary>
    public double TDecay { get; init; } = 1e-6;

    /// <summary><c>--clip</c>: max gradient norm over all parameters; 0 disables clipping.</summary>
    public double Clip { get; init; }

    /// <summary>Eps of both optimizers (PyTorch default, added outside the square root).</summary>
    public double Eps { get; init; } = 1e-8;

    public static readonly string[] Kinds = { "RMSprop", "Adam" };

    /// <summary>Throws a one-line error naming the option when a value is out of range.</summary>
    public void Validate()
    {
        if (!Kinds.Contains(Kind)) throw new ArgumentException($"--optimizer: unknown optimizer '{Kind}' (expected RMSprop or Adam)");
        if (!(LearningRate > 0)) throw new ArgumentException($"--lr: must be positive (got {LearningRate})");
        if (!(OrthogonalLearningRate >= 0)) throw new ArgumentException($"--lr_orth: must be non-negative (got {OrthogonalLearningRate})");
        if (!(Alpha >= 0 && Alpha < 1)) throw new ArgumentException($"--alpha: must be in [0, 1) (got {Alpha})");
        if (!(Betas.Beta1 >= 0 && Betas.Beta1 < 1 && Betas.Beta2 >= 0 && Betas.Beta2 < 1))
            throw new ArgumentException($"--betas: both must be in [0, 1) (got {Betas.Beta1} {Betas.Beta2})");
        if (!(TDecay >= 0)) throw new ArgumentException($"--Tdecay: must be non-negative (got {TDecay})");
        if (!(Clip >= 0)) throw new ArgumentException($"--clip: must be non-negative (got {Clip})");
    }

    /// <summary>Accepts the spellings rmsprop / RMSprop / adam / Adam.</summary>
    public static string CanonicalKind(string kind)
        => Kinds.FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase))
           ?? throw new ArgumentException($"--optimizer: unknown optimizer '{kind}' (expected RMSprop or Adam)");
}
