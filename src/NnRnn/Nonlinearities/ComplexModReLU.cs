using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Nonlinearities;

/// <summary>
/// Complex modReLU (Arjovsky et al. 2016; the EURNN activation): σ(z) = (z/|z|) · relu(|z| + b),
/// one real bias per unit, b ~ U(−0.01, 0.01). The phase of z is kept, its modulus shifted by b.
/// </summary>
/// <remarks>
/// z/|z| is undefined at z = 0 and its derivative grows like 1/|z| near 0. The modulus is therefore
/// taken as m = sqrt(Re² + Im² + ε), which is ≥ √ε, so the value and the gradient stay finite for
/// every z; for |z| ≫ √ε, m = |z| to rounding. At exactly z = 0 the output is 0 with zero
/// gradient, as sign(0) = 0 in the real modReLU: an input that is exactly zero for many steps
/// (the blank rows of an MNIST image, h₀ = 0) would otherwise multiply the gradient by up to
/// (√ε + |b|)/√ε at every step.
/// </remarks>
internal sealed class ComplexModReLU : nn.Module<Tensor, Tensor>
{
    /// <summary>The default ε under the square root (√ε = 1e-5).</summary>
    public const double DefaultEpsilon = 1e-10;

    private readonly Parameter b;

    public ComplexModReLU(long units, double epsilon = DefaultEpsilon, Generator? generator = null) : base("ComplexModReLU")
    {
        if (!(epsilon > 0)) throw new ArgumentException($"modReLU epsilon must be positive (got {epsilon})");
        Epsilon = epsilon;
        b = new Parameter(empty(units));
        using (no_grad()) b.uniform_(-0.01, 0.01, generator);
        RegisterComponents();
    }

    /// <summary>The learned bias b [units] (real).</summary>
    public Parameter Bias => b;

    /// <summary>ε in m = sqrt(Re² + Im² + ε).</summary>
    public double Epsilon { get; }

    /// <summary>z complex [..., units] → σ(z), same shape and dtype.</summary>
    public override Tensor forward(Tensor z) => Apply(z, b, Epsilon);

    /// <summary>σ(z) = z · relu(m + b) / m with m = sqrt(Re² + Im² + ε); b broadcasts over the last axis.</summary>
    public static Tensor Apply(Tensor z, Tensor bias, double epsilon = DefaultEpsilon)
    {
        if (!z.is_complex()) throw new ArgumentException($"complex modReLU expects a complex tensor, got {z.dtype}");
        var re = z.real;
        var im = z.imag;
        var squared = re.square() + im.square();
        var modulus = (squared + epsilon).sqrt();
        var scale = (modulus + bias).relu() / modulus;
        scale = scale.masked_fill(squared.eq(0), 0);
        return complex(re * scale, im * scale);
    }
}
