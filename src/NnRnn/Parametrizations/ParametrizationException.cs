namespace NnRnn.Parametrizations;

/// <summary>A constrained parametrisation was misused; the message says what to do instead.</summary>
public class ParametrizationException : ArgumentException
{
    /// <summary>An exception with <paramref name="message"/>.</summary>
    public ParametrizationException(string message) : base(message) { }
}

/// <summary>The weight is not a square matrix where the manifold needs one (orthogonal, unitary, skew, Schur).</summary>
public sealed class NotSquareException : ParametrizationException
{
    /// <summary>Names the weight and its shape.</summary>
    public NotSquareException(string what, long[] shape)
        : base($"{what} needs a square n×n matrix, got shape [{string.Join(", ", shape)}]; constrain a square weight (e.g. a Linear(n, n)).") { }
}

/// <summary>The weight's element type does not fit the manifold (e.g. a complex weight for an orthogonal one).</summary>
public sealed class WrongDtypeException : ParametrizationException
{
    /// <summary>Names the weight, its dtype and what was expected.</summary>
    public WrongDtypeException(string what, TorchSharp.torch.ScalarType got, string expected)
        : base($"{what} needs a {expected} weight, got {got}; create the module with dtype: {expected.Split(' ')[0]}.") { }
}

/// <summary>The size is odd where 2×2 rotation blocks need an even one (the Schur family, torus samples).</summary>
public sealed class OddSizeException : ParametrizationException
{
    /// <summary>Names the weight and its size.</summary>
    public OddSizeException(string what, long n)
        : base($"{what} is built from 2×2 rotation blocks and needs an even size, got n = {n}; use an even number of units.") { }
}

/// <summary>The parameter is already constrained (registering twice would hide the first constraint).</summary>
public sealed class AlreadyParametrizedException : ParametrizationException
{
    /// <summary>Names the parameter.</summary>
    public AlreadyParametrizedException(string name)
        : base($"parameter '{name}' is already constrained; call Parametrize.Remove(module, \"{name}\") first to replace its constraint.") { }
}

/// <summary>The module has no parameter of that name, or its forward cannot be redirected to the constrained weight.</summary>
public sealed class ParameterNotFoundException : ParametrizationException
{
    /// <summary>Names the parameter and what the module has.</summary>
    public ParameterNotFoundException(string name, string detail)
        : base($"cannot constrain parameter '{name}': {detail}") { }
}
