using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Nonlinearities;

/// <summary>
/// Real modReLU (Arjovsky et al. 2016): σ(z) = sign(z) · relu(|z| + b), one bias per unit,
/// b ~ U(−0.01, 0.01). sign(0) = 0, so σ(0) = 0 and σ'(0) = 0, as in the reference.
/// </summary>
public sealed class ModReLU : Nonlinearity
{
    private readonly Parameter b;

    /// <summary>modReLU over <paramref name="units"/> units, its bias drawn from <paramref name="generator"/> (the global generator when null).</summary>
    public ModReLU(long units, Generator? generator = null) : base("ModReLU")
    {
        b = new Parameter(empty(units));
        using (no_grad()) b.uniform_(-0.01, 0.01, generator);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Activation Kind => Activation.ModRelu;
    /// <inheritdoc/>
    public override Tensor? Bias => b;

    /// <inheritdoc/>
    public override Tensor forward(Tensor z) => z.sign() * (z.abs() + b).relu();

    /// <inheritdoc/>
    public override Tensor ForwardInPlace(Tensor z)
    {
        using var sign = z.sign();
        return z.abs_().add_(b).relu_().mul_(sign);
    }

    // σ(z) ≠ 0 exactly where z ≠ 0 and |z| + b > 0, which is where σ'(z) = sign(z)² = 1.
    /// <inheritdoc/>
    public override Tensor Derivative(Tensor h) => h.ne(0).to_type(h.dtype);

    // ∂σ/∂b = sign(z)·1[|z|+b > 0] = sign(h), and sign(h)·σ' = sign(h), so dL/db = Σ dz ⊙ sign(h).
    /// <inheritdoc/>
    public override Tensor? BiasGradient(Tensor h, Tensor dz)
        => (dz * h.sign()).reshape(-1, h.shape[^1]).sum(0, false);
}
