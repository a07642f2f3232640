using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Nonlinearities;

/// <summary>
/// An element-wise activation σ of a recurrent cell, with what a hand-written backward through
/// time needs: the derivative σ'(z) and, for activations with a learned bias, dL/db.
/// </summary>
public abstract class Nonlinearity : nn.Module<Tensor, Tensor>
{
    /// <summary>An activation module named <paramref name="name"/>.</summary>
    protected Nonlinearity(string name) : base(name) { }

    /// <summary>Which activation this is.</summary>
    public abstract Activation Kind { get; }

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

    /// <summary>Builds <paramref name="kind"/> for <paramref name="units"/> hidden units.</summary>
    public static Nonlinearity Create(Activation kind, long units, Generator? generator = null) => kind switch
    {
        Activation.None => new Identity(),
        Activation.Tanh => new Tanh(),
        Activation.Relu => new ReLU(),
        Activation.Sigmoid => new Sigmoid(),
        Activation.ModRelu => new ModReLU(units, generator),
        _ => throw new ArgumentException($"unknown activation {kind}", nameof(kind)),
    };
}
