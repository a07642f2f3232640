using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Optim;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Tasks;

/// <summary>Summed cross-entropy (nats), correct argmax predictions and tokens seen.</summary>
public readonly record struct TokenStats(double LossSum, long Correct, long Count)
{
    /// <summary>Mean cross-entropy per token (nats); NaN when nothing was seen.</summary>
    public double Loss => Count == 0 ? double.NaN : LossSum / Count;

    /// <summary>Bits per character: <see cref="Loss"/> / ln 2.</summary>
    public double Bpc => Loss / Math.Log(2);

    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;

    public static TokenStats operator +(TokenStats a, TokenStats b)
        => new(a.LossSum + b.LossSum, a.Correct + b.Correct, a.Count + b.Count);
}

/// <summary>
/// Truncated backpropagation through time over a batchified text [rows, columns]: the windows,
/// one training update per window and the evaluation of a whole text.
/// </summary>
public static class PtbStep
{
    /// <summary>
    /// The windows over <paramref name="rows"/> rows: start i = 0, bptt, 2·bptt, … while i &lt; rows − 1,
    /// length min(bptt, rows − 1 − i); the input is rows [i, i + length), the target the next row of each.
    /// </summary>
    public static IEnumerable<(long Start, long Length)> Windows(long rows, int bptt)
    {
        if (bptt <= 0) throw new ArgumentOutOfRangeException(nameof(bptt), bptt, "must be positive");
        for (long i = 0; i < rows - 1; i += bptt) yield return (i, Math.Min(bptt, rows - 1 - i));
    }

    /// <summary>Number of windows <see cref="Windows"/> yields.</summary>
    public static int WindowCount(long rows, int bptt) => rows < 2 ? 0 : (int)((rows - 2) / bptt + 1);

    /// <summary>Input x = data[start, start + length) and target y = data[start + 1, start + 1 + length), both [length, B].</summary>
    public static (Tensor Input, Tensor Target) Window(Tensor data, long start, long length)
        => (data.narrow(0, start, length), data.narrow(0, start + 1, length));

    /// <summary>
    /// One update: zero_grad; forward from <paramref name="state"/>; loss = mean cross-entropy over
    /// the window (+ the cell's δ penalty); backward; clipping and both optimizer steps. Returns the
    /// window's statistics (cross-entropy only, as the reference logs) and the final state detached
    /// from the graph (and copied), to carry into the next window. <paramref name="state"/> itself is
    /// left to the caller.
    /// </summary>
    public static (TokenStats Stats, RecurrentState Carried) Train(LanguageModel model, RecurrentOptimizer optimizer,
        Tensor input, Tensor target, RecurrentState state)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var (logits, final) = model.forward(input, state);
        var perToken = TokenLosses(logits, target);
        var loss = model.WithPenalty(perToken.mean());
        loss.backward();
        optimizer.Step();
        var stats = Stats(logits, target, perToken);
        return (stats, Carry(final));
    }

    /// <summary>The statistics of one window without training (no graph); returns the carried state too.</summary>
    public static (TokenStats Stats, RecurrentState Carried) Evaluate(LanguageModel model, Tensor input, Tensor target,
        RecurrentState? state)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (logits, final) = model.forward(input, state);
        var stats = Stats(logits, target, TokenLosses(logits, target));
        return (stats, Carry(final));
    }

    /// <summary>
    /// Evaluates a whole batchified text [rows, B] window by window from a zero state, carrying the
    /// state across windows (the reference's evaluate()).
    /// </summary>
    public static TokenStats Evaluate(LanguageModel model, Tensor data, int bptt)
    {
        var total = new TokenStats();
        RecurrentState? state = null;
        foreach (var (start, length) in Windows(data.shape[0], bptt))
        {
            using var scope = NewDisposeScope();
            var (x, y) = Window(data, start, length);
            var (stats, next) = Evaluate(model, x, y, state);
            total += stats;
            state?.Dispose();
            state = next.MoveToOuterDisposeScope();
        }
        state?.Dispose();
        return total;
    }

    /// <summary>Cross-entropy per token, [T·B].</summary>
    private static Tensor TokenLosses(Tensor logits, Tensor target)
        => nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), target.reshape(-1), reduction: nn.Reduction.None);

    private static TokenStats Stats(Tensor logits, Tensor target, Tensor perToken)
    {
        using var _ = no_grad();
        double lossSum = perToken.detach().to_type(ScalarType.Float64).sum().item<double>();
        long correct = logits.detach().argmax(-1).eq(target).sum().item<long>();
        return new TokenStats(lossSum, correct, target.numel());
    }

    /// <summary>The final state cut from the graph, as compact copies owned by the caller's scope.</summary>
    private static RecurrentState Carry(RecurrentState final)
        => new RecurrentState(final.Detach().Parts.Select(p => p.clone()).ToArray()).MoveToOuterDisposeScope();
}
