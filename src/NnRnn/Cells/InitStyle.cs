namespace NnRnn.Cells;

/// <summary>
/// Which initial distribution every parameter is drawn from (<c>--init</c>).
/// The two differ where the reference code does not do what its options say (REFERENCE.md, known defects).
/// </summary>
public enum InitStyle
{
    /// <summary>
    /// What the reference code effectively draws: nnRNN's input matrix keeps PyTorch's default Linear init
    /// (it ignores <c>--iinit</c>); RNN-orth's V is expm(skew(default Linear init)) (the named draw is discarded);
    /// Glorot normal is a real normal; nnRNN's θ ~ U(0, 6.28); the LSTM's gate weights are always Glorot normal.
    /// </summary>
    Original,

    /// <summary>What the paper and the options document: <c>--iinit</c>/<c>--rinit</c> are applied as named.</summary>
    Documented,
}
