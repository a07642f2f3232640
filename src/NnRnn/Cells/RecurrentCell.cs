using NnRnn.Orthogonal;
using NnRnn.Parametrizations;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// A recurrent cell usable in any TorchSharp model. A cell knows its step and its parameters; it
/// knows nothing about tasks. Unroll it with <see cref="SequenceRunner"/>.
/// </summary>
public abstract class RecurrentCell : nn.Module
{
    /// <summary>A cell named <paramref name="name"/> mapping x_t [batch, <paramref name="inputSize"/>] to h_t [batch, <paramref name="hiddenSize"/>].</summary>
    protected RecurrentCell(string name, long inputSize, long hiddenSize) : base(name)
    {
        if (inputSize <= 0) throw new ArgumentException($"must be positive (got {inputSize})", nameof(inputSize));
        if (hiddenSize <= 0) throw new ArgumentException($"the number of hidden units must be positive (got {hiddenSize})", nameof(hiddenSize));
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <summary>Which network this cell is.</summary>
    public abstract NetType Kind { get; }

    /// <summary>The seed's name of this network (<c>--net-type</c>, summaries).</summary>
    public string NetType => SeedNames.Of(Kind);

    /// <summary>Width of x_t.</summary>
    public long InputSize { get; }

    /// <summary>N, the hidden units.</summary>
    public long HiddenSize { get; }

    /// <summary>Width of the features a read-out layer sees (2N for a complex state read as [Re, Im]).</summary>
    public virtual long OutputSize => HiddenSize;

    /// <summary>The state at t = −1 (zeros).</summary>
    public virtual RecurrentState InitialState(long batch, Device? device = null, ScalarType dtype = ScalarType.Float32)
        => new(zeros(batch, HiddenSize, dtype, device));

    /// <summary>
    /// Runs the cell over a time-major sequence x [T, batch, InputSize] from <paramref name="state"/>
    /// (zeros on x's device and dtype when null); returns the features at every step
    /// [T, batch, OutputSize] and the final state. Same as <see cref="SequenceRunner.Run"/>.
    /// </summary>
    public (Tensor Outputs, RecurrentState Final) forward(Tensor input, RecurrentState? state = null, UnrollMode mode = UnrollMode.Fused)
        => SequenceRunner.Run(this, input, state, mode);

    /// <summary>Builds what is constant over a sequence (the recurrent matrix); call once per sequence.</summary>
    public abstract IRecurrence Prepare();

    /// <summary>A regulariser added to the task loss (nnRNN's δ term), or null.</summary>
    public virtual Tensor? Penalty() => null;

    /// <summary>The task loss plus <see cref="Penalty"/> when the cell has one.</summary>
    public Tensor WithPenalty(Tensor taskLoss) => Penalty() is { } penalty ? taskLoss + penalty : taskLoss;

    /// <summary>Parameters with their own L2 weight decay group (nnRNN's T, <c>--Tdecay</c>).</summary>
    public virtual IEnumerable<Parameter> DecayedParameters() => Array.Empty<Parameter>();

    /// <summary>The orthogonal factors trained by the orthogonal optimizer at <c>--lr_orth</c>.</summary>
    public IEnumerable<OrthogonalParametrization> OrthogonalFactors()
        => modules().OfType<OrthogonalParametrization>();
}
