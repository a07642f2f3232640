namespace NnRnn.Nonlinearities;

/// <summary>A cell's element-wise activation (<c>--nonlin</c>; spellings in <see cref="SeedNames"/>).</summary>
public enum Activation
{
    /// <summary>The identity.</summary>
    None,
    /// <summary>tanh.</summary>
    Tanh,
    /// <summary>max(z, 0).</summary>
    Relu,
    /// <summary>The logistic function.</summary>
    Sigmoid,

    /// <summary>modReLU: sign(z)·relu(|z| + b), b learned per unit.</summary>
    ModRelu,
}
