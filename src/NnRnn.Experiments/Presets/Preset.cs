using NnRnn.Cells;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Optim;

namespace NnRnn.Experiments.Presets;

/// <summary>
/// One row of the seed's hyper-parameter tables as a named preset of a training command. Only the
/// values the row sets are applied; a null value leaves the command's default. Where the row
/// leaves a value open that the model uses, <see cref="Choices"/> says what we chose and why.
/// </summary>
/// <param name="Task">The command (copytask, psmnist, ptb).</param>
/// <param name="Name">The preset's name: MODEL-N (PTB: MODEL-N-T150 or MODEL-N-T300).</param>
public sealed record Preset(string Task, string Name, NetType NetType, int HiddenSize, OptimizerKind Optimizer, double LearningRate)
{
    public double? Alpha { get; init; }
    public double[]? Betas { get; init; }
    public double? OrthogonalLearningRate { get; init; }
    public double? Delta { get; init; }
    public double? NonNormalDecay { get; init; }
    public Initializer? RecurrentInit { get; init; }
    public double? Clip { get; init; }

    /// <summary>PTB: the truncated-BPTT length T_PTB the row belongs to.</summary>
    public int? Bptt { get; init; }

    /// <summary>False for a preset the seed's tables lack (e.g. the copy task's LSTM, which the seed's figure shows).</summary>
    public bool InSeedTable { get; init; } = true;

    /// <summary>Values the row leaves open (or that need reading), what we chose and why; keyed by option name.</summary>
    public IReadOnlyList<PresetChoice> Choices { get; init; } = [];

    /// <summary>The options with this row's values; the preset's name is recorded (options.json's <c>preset</c>).</summary>
    public RunOptions ApplyTo(RunOptions options)
    {
        var o = options with
        {
            Preset = Name,
            NetType = NetType,
            HiddenSize = HiddenSize,
            Optimizer = Optimizer,
            LearningRate = LearningRate,
            Alpha = Alpha ?? options.Alpha,
            Betas = Betas ?? options.Betas,
            OrthogonalLearningRate = OrthogonalLearningRate ?? options.OrthogonalLearningRate,
            Delta = Delta ?? options.Delta,
            NonNormalDecay = NonNormalDecay ?? options.NonNormalDecay,
            RecurrentInit = RecurrentInit ?? options.RecurrentInit,
            Clip = Clip ?? options.Clip,
        };
        return o is PtbOptions ptb && Bptt is { } bptt ? ptb with { Bptt = bptt } : o;
    }
}

/// <summary>A value the seed's table leaves open or ambiguous: the option, and what we did.</summary>
public sealed record PresetChoice(string Option, string Why);
