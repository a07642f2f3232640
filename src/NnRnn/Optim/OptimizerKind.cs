namespace NnRnn.Optim;

/// <summary>The optimiser of both parameter groups (<c>--optimizer</c>).</summary>
public enum OptimizerKind
{
    RMSprop,
    Adam,
}
