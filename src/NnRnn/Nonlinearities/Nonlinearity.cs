using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Nonlinearities;

/// <summary>
/// An element-wise activation σ of a recurrent cell, with what a hand-written backward through
/// time needs: the derivative σ'(z) and, for activations with a learned bias, dL/db.
/// </summary>
public abstract class Nonlinearity : nn.Module<Tensor, Tensor>
{
    protected Nonlinearity(string name) : base(name) { }

    /// <summary>The option value that selects this activation (<c>--nonlin</c>).</summary>
    public abstract string Kind { get; }

    /// <summary>The learned bias (modReLU), or null for parameter-free activations.</summary>
    public virtual Tensor? Bias => null;

    /// <summary>
    /// σ(z) computed in place into <paramref name="z"/> (a fresh tensor the caller owns, outside
    /// autograd); the fused forward through time uses it to avoid an allocation per op and step.
    /// </summary>
    public virtual Tensor ForwardInPlace(Tensor z)
    {
        using var h = forward(z);
        return z.copy_(h);
    }

    /// <summary>
    /// σ'(z) element-wise, written in terms of the output h = σ(z) so that a backward through time
    /// needs to keep only the hidden states.
    /// </summary>
    public abstract Tensor Derivative(Tensor h);

    /// <summary>
    /// dL/db summed over all leading dimensions, from h and dL/dz = dL/dh ⊙ σ'(z) (only when
    /// <see cref="Bias"/> is set).
    /// </summary>
    public virtual Tensor? BiasGradient(Tensor h, Tensor dz) => null;

    /// <summary>The names accepted by <c>--nonlin</c>.</summary>
    public static readonly string[] Names = { "none", "tanh", "relu", "sigmoid", "modrelu" };

    /// <summary>Builds the activation named by <c>--nonlin</c> for <paramref name="units"/> hidden units.</summary>
    public static Nonlinearity Create(string kind, long units, Generator? generator = null) => kind.ToLowerInvariant() switch
    {
        "none" => new Identity(),
        "tanh" => new Tanh(),
        "relu" => new ReLU(),
        "sigmoid" => new Sigmoid(),
        "modrelu" => new ModReLU(units, generator),
        _ => throw new ArgumentException($"--nonlin: unknown non-linearity '{kind}' (expected one of: {string.Join(", ", Names)})"),
    };
}
