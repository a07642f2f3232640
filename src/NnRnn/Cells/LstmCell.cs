using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// The LSTM baseline of the reference: gate input cat(h_{t−1}, x_t); f, i, o = sigmoid, g = tanh,
/// each Linear(N + in, N) with bias; c_t = f c_{t−1} + i g; h_t = o tanh(c_t). State (h, c).
/// </summary>
public sealed class LstmCell : RecurrentCell
{
    private readonly Linear Wf;
    private readonly Linear Wi;
    private readonly Linear Wo;
    private readonly Linear Wg;

    /// <param name="recurrentInit">
    /// xavier or kaiming fill the gate weights; an orthogonal initialiser (the seed's default cayley)
    /// keeps PyTorch's default Linear initialisation, as the reference's LSTM does.
    /// </param>
    /// <param name="inputSize">Width of x_t.</param>
    /// <param name="hiddenSize">N, the hidden units.</param>
    /// <param name="generator">Every initial draw comes from it (libtorch's global generator when null).</param>
    /// <param name="style">Original: the gate weights are always Glorot normal (the reference's LSTM ignores <c>--rinit</c>).</param>
    public LstmCell(long inputSize, long hiddenSize, Initializer recurrentInit = Initializer.Xavier, Generator? generator = null,
        InitStyle style = InitStyle.Documented)
        : base("LstmCell", inputSize, hiddenSize)
    {
        Wf = WeightInit.Linear(hiddenSize + inputSize, hiddenSize, true, generator);
        Wi = WeightInit.Linear(hiddenSize + inputSize, hiddenSize, true, generator);
        Wo = WeightInit.Linear(hiddenSize + inputSize, hiddenSize, true, generator);
        Wg = WeightInit.Linear(hiddenSize + inputSize, hiddenSize, true, generator);
        if (style == InitStyle.Original)
            foreach (var w in new[] { Wf, Wi, Wo, Wg }) WeightInit.Apply(w.weight!, Initializer.Xavier, nameof(recurrentInit), generator, style);
        else if (!recurrentInit.IsOrthogonal())
            foreach (var w in new[] { Wf, Wi, Wo, Wg }) WeightInit.Apply(w.weight!, recurrentInit, nameof(recurrentInit), generator);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override NetType Kind => Cells.NetType.Lstm;

    /// <inheritdoc/>
    public override RecurrentState InitialState(long batch, Device? device = null, ScalarType dtype = ScalarType.Float32)
        => new(zeros(batch, HiddenSize, dtype, device), zeros(batch, HiddenSize, dtype, device));

    /// <inheritdoc/>
    public override IRecurrence Prepare()
    {
        // Stack the four gates once per sequence: one matmul per step instead of four.
        var weight = cat(new[] { Wf.weight!, Wi.weight!, Wo.weight!, Wg.weight! }, 0);   // [4N, N + in]
        var bias = cat(new[] { Wf.bias!, Wi.bias!, Wo.bias!, Wg.bias! }, 0);
        var recurrentT = weight[.., ..(int)HiddenSize].t();                              // [N, 4N]
        var inputW = weight[.., (int)HiddenSize..];                                       // [4N, in]
        return new Recurrence(recurrentT, inputW, bias, HiddenSize);
    }

    private sealed class Recurrence : IFusedRecurrence
    {
        private readonly Tensor recurrentT, inputW, bias;
        private readonly long n;

        public Recurrence(Tensor recurrentT, Tensor inputW, Tensor bias, long n)
            => (this.recurrentT, this.inputW, this.bias, this.n) = (recurrentT, inputW, bias, n);

        public RecurrentState Step(Tensor x, RecurrentState state)
        {
            var gates = nn.functional.linear(x, inputW, bias).addmm(state[0], recurrentT);
            var parts = gates.chunk(4, 1);
            var c = parts[0].sigmoid() * state[1] + parts[1].sigmoid() * parts[3].tanh();
            var h = parts[2].sigmoid() * c.tanh();
            return new RecurrentState(h, c);
        }

        public Tensor Output(RecurrentState state) => state[0];

        public (Tensor Outputs, RecurrentState Final) Unroll(Tensor inputs, RecurrentState state)
        {
            using var projected = Project(inputs, out bool scratch);
            var (h, c) = LstmBackpropThroughTime.Apply(projected, recurrentT, state[0], state[1], scratch);
            return (h, new RecurrentState(h[-1], c[-1]));
        }

        public Tensor UnrollLast(Tensor inputs, RecurrentState state)
        {
            using var projected = Project(inputs, out bool scratch);
            return LstmBackpropThroughTime.ApplyLast(projected, recurrentT, state[0], state[1], scratch);
        }

        /// <summary>x W_xᵀ + b for the whole sequence; large CPU sequences in one pooled node (<see cref="InputProjection"/>:
        /// psMNIST's [784, 100, 2048] is 642 MB, which a fresh allocation made the kernel zero every update).</summary>
        /// <remarks><paramref name="scratch"/>: the pooled node's output, which its backward does not read, so the LSTM node may overwrite it.</remarks>
        private Tensor Project(Tensor inputs, out bool scratch)
        {
            scratch = InputProjection.Worthwhile(inputs, 4 * n);
            return scratch ? InputProjection.Apply(inputs, inputW, bias) : nn.functional.linear(inputs, inputW, bias);
        }
    }
}
