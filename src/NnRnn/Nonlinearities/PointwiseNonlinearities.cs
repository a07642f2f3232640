using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Nonlinearities;

/// <summary>σ(z) = z (<c>--nonlin none</c>).</summary>
internal sealed class Identity : Nonlinearity
{
    public Identity() : base("Identity") { }
    public override Activation Kind => Activation.None;
    public override Tensor forward(Tensor z) => z.alias();
    public override Tensor ForwardInPlace(Tensor z) => z;
    public override Tensor Derivative(Tensor h) => ones_like(h);
}

/// <summary>σ(z) = tanh z; σ' = 1 − h².</summary>
internal sealed class Tanh : Nonlinearity
{
    public Tanh() : base("Tanh") { }
    public override Activation Kind => Activation.Tanh;
    public override Tensor forward(Tensor z) => z.tanh();
    public override Tensor ForwardInPlace(Tensor z) => z.tanh_();
    public override Tensor Derivative(Tensor h) => 1 - h * h;
}

/// <summary>σ(z) = max(z, 0) (the paper's relu; the reference silently drops it, see REFERENCE.md).</summary>
internal sealed class ReLU : Nonlinearity
{
    public ReLU() : base("ReLU") { }
    public override Activation Kind => Activation.Relu;
    public override Tensor forward(Tensor z) => z.relu();
    public override Tensor ForwardInPlace(Tensor z) => z.relu_();
    public override Tensor Derivative(Tensor h) => h.gt(0).to_type(h.dtype); // h > 0 exactly where z > 0
}

/// <summary>σ(z) = 1 / (1 + e^−z); σ' = h (1 − h).</summary>
internal sealed class Sigmoid : Nonlinearity
{
    public Sigmoid() : base("Sigmoid") { }
    public override Activation Kind => Activation.Sigmoid;
    public override Tensor forward(Tensor z) => z.sigmoid();
    public override Tensor ForwardInPlace(Tensor z) => z.sigmoid_();
    public override Tensor Derivative(Tensor h) => h * (1 - h);
}
