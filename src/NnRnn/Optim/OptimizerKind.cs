namespace NnRnn.Optim;

/// <summary>The optimiser of both parameter groups (<c>--optimizer</c>).</summary>
public enum OptimizerKind
{
    /// <summary>RMSprop (smoothing α, eps outside the square root).</summary>
    RMSprop,
    /// <summary>Adam (β1, β2).</summary>
    Adam,
}
