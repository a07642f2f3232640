using NnRnn.Nonlinearities;
using NnRnn.Orthogonal;
using NnRnn.Randomness;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// The vanilla RNN, h_t = σ(x_t Uᵀ + b + h_{t−1} Vᵀ), trained without constraint. As <c>RNN-orth</c>
/// V starts orthogonal: V = expm(A) with A from the named skew initialiser (the paper's init;
/// the reference discards the draw, see REFERENCE.md).
/// </summary>
public sealed class VanillaRnnCell : RecurrentCell
{
    private readonly Linear U;
    private readonly Linear V;
    private readonly Nonlinearity nonlinearity;
    private readonly NetType kind;

    /// <param name="recurrentInit">Initialiser of V: xavier or kaiming, or an orthogonal one (expm of a skew matrix).</param>
    /// <param name="orthogonalInit">RNN-orth: <paramref name="recurrentInit"/> must be orthogonal.</param>
    /// <param name="inputSize">Width of x_t.</param>
    /// <param name="hiddenSize">N, the hidden units.</param>
    /// <param name="activation">σ.</param>
    /// <param name="inputInit">Initialiser of U: xavier or kaiming.</param>
    /// <param name="generator">Every initial draw comes from it (libtorch's global generator when null).</param>
    /// <param name="style">Original: an orthogonal V is expm(skew(default Linear init)), as the reference draws it.</param>
    /// <param name="numpy">With <see cref="InitStyle.Original"/> and an orthogonal V: numpy's stream, from which the reference draws (and discards) the named init.</param>
    public VanillaRnnCell(long inputSize, long hiddenSize, Nonlinearities.Activation activation = Nonlinearities.Activation.ModRelu,
        Initializer recurrentInit = Initializer.Xavier, Initializer inputInit = Initializer.Xavier, bool orthogonalInit = false,
        Generator? generator = null, InitStyle style = InitStyle.Documented, NumpyRandomState? numpy = null)
        : base("VanillaRnnCell", inputSize, hiddenSize)
    {
        kind = orthogonalInit ? Cells.NetType.RnnOrth : Cells.NetType.Rnn;
        if (style == InitStyle.Original)
        {
            // the reference's draw order (RNN_Cell.RNNCell): modReLU's b, then U and V's default init
            nonlinearity = Nonlinearity.Create(activation, hiddenSize, generator);
            U = WeightInit.Linear(inputSize, hiddenSize, hasBias: true, generator);
            V = WeightInit.Linear(hiddenSize, hiddenSize, hasBias: false, generator);
        }
        else
        {
            U = WeightInit.Linear(inputSize, hiddenSize, hasBias: true, generator);
            V = WeightInit.Linear(hiddenSize, hiddenSize, hasBias: false, generator);
            nonlinearity = Nonlinearity.Create(activation, hiddenSize, generator);
        }
        WeightInit.Apply(U.weight!, inputInit, nameof(inputInit), generator, style);
        if (recurrentInit.IsOrthogonal() && style == InitStyle.Original)
        {
            // the reference's _B ignores the named draw: V = expm(skew(V's own default draw)); the
            // named draw still takes its values from numpy's stream, which copytask.py draws batches from
            if (numpy is not null) SkewInitializers.Discard(recurrentInit, hiddenSize, numpy);
            using var _ = no_grad();
            using var v = MatrixExponential.Expm(Skew.FromFree(V.weight!.to_type(float64))).to_type(float32);
            V.weight!.copy_(v);
        }
        else if (recurrentInit.IsOrthogonal())
        {
            using var _ = no_grad();
            V.weight!.copy_(MatrixExponential.Expm(Skew.FromFree(SkewInitializers.Create(recurrentInit, hiddenSize, generator).to_type(float64))));
        }
        else if (orthogonalInit)
            throw new ArgumentException($"RNN-orth needs an orthogonal initialiser (henaff, cayley, random), got {SeedNames.Of(recurrentInit)}", nameof(recurrentInit));
        else
            WeightInit.Apply(V.weight!, recurrentInit, nameof(recurrentInit), generator, style);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override NetType Kind => kind;

    /// <summary>σ of this cell.</summary>
    public Nonlinearity Activation => nonlinearity;

    /// <inheritdoc/>
    public override IRecurrence Prepare() => new ElmanRecurrence(U, V.weight!.t(), nonlinearity);
}
