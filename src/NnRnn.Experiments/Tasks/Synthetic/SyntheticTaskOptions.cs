using System.ComponentModel;
using System.Text.Json.Serialization;
using NnRnn.Experiments.Training;

namespace NnRnn.Experiments.Tasks;

/// <summary>Options of a task with fresh data every update: the number of updates and the task itself.</summary>
public abstract record SyntheticTaskOptions : RunOptions
{
    [JsonPropertyName("steps"), Description("number of training updates")] public int Steps { get; init; } = 1500;

    public override void Validate()
    {
        Task();   // the task's own values first (T, labels, c, markers; T + 2c overflowing): its constructor checks them
        base.Validate();
        Positive(Steps, nameof(Steps));
    }

    public override TrainingTask CreateTask() => new SyntheticTaskTraining(this);

    /// <summary>The task's input width and outputs (a read-out at every step).</summary>
    public override Models.ModelShape ModelShape()
    {
        var task = Task();
        return new(task.InputSize, task.Outputs);
    }

    /// <summary>Builds the task; its constructor checks the task's values (before a run writes anything).</summary>
    public abstract ISyntheticTask Task();
}

/// <summary>
/// <c>nnrnn copytask</c>; defaults are the seed's nnRNN copy-task row (N = 128, T = 200,
/// RMSprop α = 0.99, lr 5e-4, lr_orth 1e-6, δ 1e-4, T decay 1e-6, cayley) and 1500 updates.
/// </summary>
public sealed record CopyTaskOptions : SyntheticTaskOptions
{
    [JsonPropertyName("T"), Description("delay between the sequence and its recall")] public int Delay { get; init; } = 200;
    [JsonPropertyName("labels"), Description("number of symbols (at most 8)")] public int Labels { get; init; } = 8;
    [JsonPropertyName("c-length"), Description("length of the sequence to copy")] public int CopyLength { get; init; } = 10;
    [JsonPropertyName("onehot"), Description("one-hot inputs instead of scalar values")] public bool OneHot { get; init; }
    [JsonPropertyName("vari"), Description("a random delay in [1, T] per sequence")] public bool Variable { get; init; }

    [JsonIgnore] public override string TaskName => "copytask";

    public override ISyntheticTask Task() => CopyTask();

    /// <summary>One-hot or scalar input, a read-out at each of the T + 2c steps; the longer part names the option.</summary>
    public override RunFootprint Footprint()
    {
        double length = Math.Max(0, Delay) + 2.0 * Math.Max(0, CopyLength);
        int labels = Math.Clamp(Labels, 1, 8);
        return new(OneHot ? labels + 2 : 1, labels + 1, length, length,
            2.0 * CopyLength > Delay ? nameof(CopyLength) : nameof(Delay));
    }

    public CopyTask CopyTask() => new(Delay, Labels, CopyLength, OneHot, Variable);
}

/// <summary>
/// <c>nnrnn adding</c>: sequence length <c>--c-length</c> (the seed script's name), <c>--no-of-ones</c>
/// markers; the other defaults as the copy task's nnRNN row, batch 50 and 2000 updates.
/// </summary>
public sealed record AddingOptions : SyntheticTaskOptions
{
    public AddingOptions()
    {
        Batch = 50;
        Steps = 2000;
    }

    [JsonPropertyName("c-length"), Description("sequence length")] public int SequenceLength { get; init; } = 100;
    [JsonPropertyName("no-of-ones"), Description("number of marked values to add")] public int Markers { get; init; } = 2;

    [JsonIgnore] public override string TaskName => "adding";

    public override ISyntheticTask Task() => new AddingProblem(SequenceLength, Markers);

    /// <summary>Two input channels; the per-step read-out is computed at every step (the last one is scored).</summary>
    public override RunFootprint Footprint() => new(2, 1, Math.Max(0, SequenceLength), Math.Max(0, SequenceLength), nameof(SequenceLength));
}
