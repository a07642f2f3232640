using System.Text.Json.Serialization;
using NnRnn.Experiments.Training;
using NnRnn.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Tasks;

/// <summary>
/// The copy task (Hochreiter &amp; Schmidhuber 1997; paper §5.1). Symbols 1..labels, 0 is the blank,
/// labels+1 the cue. Input (length T + 2c): c random symbols, T−1 blanks, the cue, c blanks.
/// Target: blanks for T + c steps, then the c symbols. With <c>variable</c> each sequence draws its
/// own delay in [1, T] and the symbols are due right after its cue (the rest stays blank).
/// </summary>
public sealed class CopyTask : ISyntheticTask
{
    public CopyTask(int delay, int labels = 8, int copyLength = 10, bool oneHot = false, bool variable = false)
    {
        if (delay <= 0) throw new ArgumentException($"the delay must be positive (got {delay})", nameof(delay));
        if (labels < 1 || labels > 8) throw new ArgumentException($"must be between 1 and 8 (got {labels})", nameof(labels));
        if (copyLength <= 0) throw new ArgumentException($"must be positive (got {copyLength})", nameof(copyLength));
        // the sequence (T + 2c steps) is indexed with int: its length must be one
        if (delay + 2L * copyLength > int.MaxValue)
            throw new ArgumentException($"T + 2c = {delay + 2L * copyLength} steps is more than {int.MaxValue}",
                2L * copyLength > delay ? nameof(copyLength) : nameof(delay));
        Delay = delay;
        Labels = labels;
        CopyLength = copyLength;
        OneHot = oneHot;
        Variable = variable;
    }

    public int Delay { get; }
    public int Labels { get; }
    public int CopyLength { get; }
    public bool OneHot { get; }
    public bool Variable { get; }

    public string Name => "copytask";

    int ISyntheticTask.Outputs => Classes;

    public string? ScoreName => "accuracy";

    public double Score(Tensor outputs, Tensor target) => Accuracy(outputs, target);

    public double Baseline => MemorylessBaseline;

    public string BaselineName => "memoryless_baseline";

    public SyntheticTaskSummary Summary(SyntheticTaskSummary common, IReadOnlyList<double> lastScores) => new CopyTaskSummary(common)
    {
        MemorylessBaseline = MemorylessBaseline,
        FinalAccuracy = lastScores.Average(),
        LastAccuracy = lastScores[^1],
    };

    /// <summary>T + 2c.</summary>
    public int SequenceLength => Delay + 2 * CopyLength;

    /// <summary>1 (the scalar value) or labels + 2 (one-hot over blank, symbols, cue).</summary>
    public int InputSize => OneHot ? Labels + 2 : 1;

    /// <summary>labels + 1 (blank and symbols).</summary>
    public int Classes => Labels + 1;

    /// <summary>The loss of a model that outputs blanks, then guesses uniformly: c·ln(labels)/(T + 2c).</summary>
    public double MemorylessBaseline => CopyLength * Math.Log(Labels) / SequenceLength;

    /// <summary>A fresh batch: x [L, B, InputSize] (float32), y [L, B] (int64).</summary>
    public (Tensor Input, Tensor Target) Batch(int batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        var symbols = randint(1, Labels + 1, new long[] { CopyLength, batch }, dtype: int64, generator: generator);
        var cueAt = Variable
            ? randint(1, Delay + 1, new long[] { batch }, dtype: int64, generator: generator) + (CopyLength - 1)
            : full(batch, (long)(Delay + CopyLength - 1), int64);
        var (input, target) = Layout(symbols, cueAt);
        return (input.MoveToOuterDisposeScope(), target.MoveToOuterDisposeScope());
    }

    /// <summary>The fixed delay only: copytask.py has no variable one.</summary>
    public bool ReferenceDrawsWithNumpy => !Variable;

    /// <summary>
    /// The batch copytask.py draws from numpy's global stream: create_dataset calls, per sequence,
    /// <c>np.random.randint(labels, size=c)</c> (symbol = draw + 1), so the same stream gives the same batches.
    /// </summary>
    public (Tensor Input, Tensor Target) Batch(int batch, NumpyRandomState numpy)
    {
        if (Variable) throw new NotSupportedException("the reference's copy task has no variable delay: draw it with a torch generator");
        using var scope = NewDisposeScope();
        var drawn = new long[batch * CopyLength];
        for (int b = 0; b < batch; b++) numpy.RandInt(Labels, CopyLength).CopyTo(drawn, b * CopyLength);
        var symbols = (tensor(drawn).reshape(batch, CopyLength).t() + 1).contiguous();       // [c, B]
        var (input, target) = Layout(symbols, full(batch, (long)(Delay + CopyLength - 1), int64));
        return (input.MoveToOuterDisposeScope(), target.MoveToOuterDisposeScope());
    }

    /// <summary>The sequences around symbols [c, B] with each column's cue at step cueAt [B].</summary>
    private (Tensor Input, Tensor Target) Layout(Tensor symbols, Tensor cueAt)
    {
        int c = CopyLength, length = SequenceLength;
        long batch = symbols.shape[1];
        var time = arange(length, dtype: int64).unsqueeze(1);                 // [L, 1]
        var values = zeros(length, batch, int64);
        values[..c] = symbols;
        values = values.masked_fill(time.eq(cueAt.unsqueeze(0)), Labels + 1);
        // target: symbol j is due at cue + 1 + j
        var offset = time - cueAt.unsqueeze(0) - 1;                            // [L, B]
        var due = offset.ge(0).logical_and(offset.lt(c));
        var gathered = symbols.gather(0, offset.clamp(0, c - 1));
        var target = where(due, gathered, zeros_like(gathered));
        var input = OneHot
            ? nn.functional.one_hot(values, Labels + 2).to_type(float32)
            : values.to_type(float32).unsqueeze(2);
        return (input, target);
    }

    /// <summary>Σ_t CE(out_t, y_t) / L with CE the batch mean (= the mean over all L·B positions).</summary>
    public Tensor Loss(Tensor logits, Tensor target)
        => nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), target.reshape(-1));

    /// <summary>Fraction of the copied symbols (target ≠ blank) predicted correctly.</summary>
    public double Accuracy(Tensor logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        var due = target.gt(0);
        var correct = logits.argmax(-1).eq(target).logical_and(due);
        return correct.sum().item<long>() / (double)Math.Max(1, due.sum().item<long>());
    }
}

/// <summary>summary.json of a copy-task run.</summary>
public sealed record CopyTaskSummary : SyntheticTaskSummary
{
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public CopyTaskSummary(SyntheticTaskSummary common) : base(common) { }

    [JsonPropertyName("memoryless_baseline"), Headline(3)] public double MemorylessBaseline { get; init; }

    /// <summary>Mean accuracy over the last updates (as final_loss).</summary>
    [JsonPropertyName("final_accuracy"), Headline(2)] public double FinalAccuracy { get; init; }

    [JsonPropertyName("last_accuracy")] public double LastAccuracy { get; init; }
}
