using System.Text.Json.Serialization;
using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Training;
using NnRnn.Optim;
using NnRnn.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Tasks;

/// <summary>
/// Training on a synthetic task (fresh random data every update, nothing to load: copy task,
/// adding problem): one
/// epoch of <c>--steps</c> updates, a metrics row per update (step, loss, [score,] ms), and at the
/// end the means over the last <see cref="FinalWindow"/> updates.
/// </summary>
public sealed class SyntheticTaskTraining(SyntheticTaskOptions options) : TrainingTask<SyntheticTaskTraining.State>
{
    /// <summary>Updates averaged for the final metrics (the seed's copy-task figure reports this window).</summary>
    public const int FinalWindow = 100;

    private readonly ISyntheticTask task = options.Task();
    private readonly List<double> losses = [], scores = [];
    private RecurrentCell? cell;
    private PerStepReadoutModel? model;
    private RecurrentOptimizer? optimizer;
    private Generator? data;
    private NumpyRandomState? numpy;

    /// <summary>The checkpoint's bookkeeping: the updates done.</summary>
    public sealed record State([property: JsonPropertyName("step")] long Step);

    /// <summary>What the console shows at the start: the task and its baseline.</summary>
    public sealed record SyntheticTaskDetails(ISyntheticTask Task) : TaskDetails;

    public override string Name => task.Name;

    public override IReadOnlyList<string> Columns => SyntheticTaskRow.Header(task);

    public override int Epochs => 1;

    public override int UpdatesPerEpoch => options.Steps;

    public override nn.Module Model => model ?? throw NotBuilt();

    public override RecurrentOptimizer Optimizer => optimizer ?? throw NotBuilt();

    public override TaskDetails Details => new SyntheticTaskDetails(task);

    public override void Build(RunGenerators generators)
    {
        // copytask.py seeds numpy once and draws from that one stream the model's numpy values
        // (with --init original) and then every batch: ours shares one stream the same way
        numpy = task.ReferenceDrawsWithNumpy && options.RandomSeed >= 0 ? new NumpyRandomState((uint)options.RandomSeed) : null;
        var spec = options.CellSpec(task.InputSize) with { Generator = generators.Initialization };
        if (numpy is not null && spec.Numpy is not null) spec = spec with { Numpy = numpy };
        cell = CellFactory.Create(spec);
        model = Place(new PerStepReadoutModel(cell, task.Outputs, generator: generators.Initialization, style: options.Init) { Mode = options.Unroll });
        optimizer = new RecurrentOptimizer(model, cell, options.OptimizerSettings());
        data = new Generator((ulong)options.RandomSeed);
        generators.Add("rng.data", data);
        // a checkpoint written before copy batches came from numpy's stream goes on drawing them from torch's
        if (numpy is { } stream)
            generators.Add("rng.numpy", () => tensor(stream.State()), state => stream.Restore(state.data<long>().ToArray()), whenMissing: () => numpy = null);
    }

    protected override State Capture(TrainingPosition position) => new(position.Updates);

    protected override TrainingPosition Restore(State state)
        => state.Step >= options.Steps ? new(1, 0, state.Step) : new(0, (int)state.Step, state.Step);

    public override void Opened(RunSession session, TrainingPosition position)
    {
        losses.AddRange(session.PreviousRows.Select(r => MetricsLog.ParseDouble(r[1])));
        if (task.ScoreName is not null) scores.AddRange(session.PreviousRows.Select(r => MetricsLog.ParseDouble(r[2])));
    }

    public override UpdateResult Update(TrainingPosition position)
    {
        // drawn on the CPU: the same batches on every device
        var (x, y) = numpy is not null ? task.Batch(options.Batch, numpy) : task.Batch(options.Batch, data!);
        var (loss, score) = SyntheticTaskStep.Update(model!, optimizer!, task, Place(x), Place(y));
        return new SyntheticTaskUpdate(loss, score);
    }

    public override MetricsRow AfterUpdate(TrainingPosition position, UpdateResult result, double milliseconds)
    {
        var update = (SyntheticTaskUpdate)result;
        losses.Add(update.Loss);
        if (task.ScoreName is not null) scores.Add(update.Score);
        return new SyntheticTaskRow(task, (int)position.Updates, update.Loss, update.Score, Math.Round(milliseconds, 3));
    }

    public override RunSummary Finish(RunDirectory directory, double seconds, long parameters)
    {
        int window = Math.Min(FinalWindow, losses.Count);
        var common = new SyntheticTaskSummary
        {
            Task = task.Name,
            NetType = cell!.NetType,
            Steps = options.Steps,
            FinalLoss = losses.TakeLast(window).Average(),
            FinalWindow = window,
            LastLoss = losses[^1],
            Seconds = seconds,
            Parameters = parameters,
        };
        return task.Summary(common, scores.TakeLast(window).ToList());
    }

    public override void Dispose()
    {
        optimizer?.Dispose();
        model?.Dispose();
        data?.Dispose();
        base.Dispose();
    }

    private static InvalidOperationException NotBuilt() => new("the task is not built yet");
}

/// <summary>One update of a synthetic task: its loss and the task's score (NaN when it has none).</summary>
public sealed record SyntheticTaskUpdate(double Loss, double Score) : UpdateResult(Loss);

/// <summary>A metrics row of a synthetic task: step, loss, [score,] ms.</summary>
public sealed record SyntheticTaskRow(ISyntheticTask Task, int Step, double Loss, double Score, double Milliseconds) : MetricsRow
{
    /// <summary>The columns for <paramref name="task"/>: the score column only when the task has a score.</summary>
    public static string[] Header(ISyntheticTask task)
        => task.ScoreName is { } score ? ["step", "loss", score, "ms"] : ["step", "loss", "ms"];

    public override IReadOnlyList<string> Columns => Header(Task);

    public override object[] Values() => Task.ScoreName is null ? [Step, Loss, Milliseconds] : [Step, Loss, Score, Milliseconds];
}

/// <summary>summary.json of a synthetic task; each task adds its baseline (and score).</summary>
public record SyntheticTaskSummary : RunSummary
{
    [JsonPropertyName("steps")] public int Steps { get; init; }

    /// <summary>Mean loss over the last <see cref="FinalWindow"/> updates.</summary>
    [JsonPropertyName("final_loss"), Headline(1)] public double FinalLoss { get; init; }

    [JsonPropertyName("final_window")] public int FinalWindow { get; init; }

    [JsonPropertyName("last_loss")] public double LastLoss { get; init; }
}
