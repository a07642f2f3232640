using NnRnn.Nonlinearities;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// The step shared by RNN, expRNN and nnRNN once the recurrent matrix W is built:
/// h_t = σ(U(x_t) + h_{t−1} W) (row-vector convention of the reference).
/// </summary>
internal sealed class ElmanRecurrence : IFusedRecurrence
{
    private readonly Linear input;
    private readonly Tensor recurrent;
    private readonly Nonlinearity sigma;

    public ElmanRecurrence(Linear input, Tensor recurrent, Nonlinearity sigma)
    {
        this.input = input;
        this.recurrent = recurrent;
        this.sigma = sigma;
    }

    public RecurrentState Step(Tensor x, RecurrentState state)
        => new(sigma.forward(input.forward(x) + state.Hidden.matmul(recurrent)));

    public Tensor Output(RecurrentState state) => state.Hidden;

    public (Tensor Outputs, RecurrentState Final) Unroll(Tensor inputs, RecurrentState state)
    {
        // the fused node copies the projection into H, so the [T, B, N] projection is freed at once
        using var projected = Project(inputs);
        return UnrollProjected(projected, state);
    }

    public Tensor? ProjectRows(Tensor rows) => input.forward(rows);

    public (Tensor Outputs, RecurrentState Final) UnrollProjected(Tensor projected, RecurrentState state)
    {
        var hiddens = ElmanBackpropThroughTime.Apply(projected, recurrent, state.Hidden, sigma.Bias, sigma);
        return (hiddens, new RecurrentState(hiddens[-1]));
    }

    /// <summary>U(x) for the whole sequence; large CPU sequences in one pooled node (<see cref="InputProjection"/>).</summary>
    private Tensor Project(Tensor inputs)
        => InputProjection.Worthwhile(inputs, input.weight!.shape[0]) ? InputProjection.Apply(inputs, input.weight!, input.bias) : input.forward(inputs);

    public Tensor UnrollLast(Tensor inputs, RecurrentState state)
    {
        using var projected = Project(inputs);
        return ElmanBackpropThroughTime.ApplyLast(projected, recurrent, state.Hidden, sigma.Bias, sigma);
    }
}
