namespace NnRnn.Nonlinearities;

/// <summary>A cell's element-wise activation (<c>--nonlin</c>; spellings in <see cref="SeedNames"/>).</summary>
public enum Activation
{
    /// <summary>The identity.</summary>
    None,
    Tanh,
    Relu,
    Sigmoid,

    /// <summary>modReLU: sign(z)·relu(|z| + b), b learned per unit.</summary>
    ModRelu,
}
