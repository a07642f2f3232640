namespace NnRnn.Orthogonal;

/// <summary>How the loss gradient reaches the skew-symmetric parameter of an orthogonal factor.</summary>
public enum OrthogonalGradient
{
    /// <summary>
    /// The reference's route: B = expm(A) is a leaf during backprop; afterwards dL/dB is turned into
    /// dL/dlog with the Fréchet derivative of expm (expRNN, Lezcano-Casado &amp; Martínez-Rubio 2019).
    /// </summary>
    Frechet,

    /// <summary>Plain autograd through a differentiable matrix exponential.</summary>
    Autograd,
}
