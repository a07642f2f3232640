using NnRnn.Cells;
using NnRnn.Experiments.Training;

namespace NnRnn.Experiments.Models;

/// <summary>
/// <c>--match-params N</c>: the hidden size whose whole model has the free-parameter count (as the
/// seed counts, see <see cref="ParameterCount"/>) closest to N, among the sizes the network
/// allows (see <see cref="Even"/>; a power of two for EURNN's FFT arrangement); ties go to the
/// smaller size.
/// </summary>
/// <param name="Target">N.</param>
/// <param name="HiddenSize">The chosen size.</param>
/// <param name="Count">Its model's parameters.</param>
public sealed record ParameterMatch(long Target, int HiddenSize, ParameterCount Count)
{
    /// <summary>The one line the command prints.</summary>
    public string Describe(NetType net) =>
        $"--match-params {Target}: {SeedNames.Of(net)} with nhid {HiddenSize} has {Count.Free} parameters " +
        $"({Count.Free - Target:+#;-#;0} from the target; {Count.Stored} stored scalars)";

    /// <summary>The best size for <paramref name="spec"/> (its hidden size is ignored) around <paramref name="shape"/>.</summary>
    public static ParameterMatch Find(CellSpec spec, ModelShape shape, long target)
    {
        if (target <= 0) throw new ArgumentException($"must be positive (got {target})", nameof(RunOptions.MatchParams));
        ParameterMatch? best = null;
        foreach (int n in Sizes(spec))
        {
            var count = ParameterCount.Of(spec with { HiddenSize = n }, shape);
            if (best is null || Math.Abs(count.Free - target) < Math.Abs(best.Count.Free - target)) best = new(target, n, count);
            if (count.Free >= target) break;   // counts grow with N: later sizes are further away
        }
        return best!;
    }

    /// <summary>The options with nhid chosen by their <see cref="RunOptions.MatchParams"/> (unchanged without it).</summary>
    public static (RunOptions Options, ParameterMatch? Match) Apply(RunOptions options)
    {
        if (options.MatchParams is not { } target) return (options, null);
        var shape = options.ModelShape();
        var match = Find(options.CellSpec(shape.InputSize), shape, target);
        return (options with { HiddenSize = match.HiddenSize }, match);
    }

    /// <summary>
    /// nnRNN and EURNN need an even N (2×2 blocks); so do expRNN and RNN-orth with the henaff or
    /// cayley initialiser, which builds an (N−1)×(N−1) skew matrix for odd N (the run then fails).
    /// </summary>
    public static bool Even(CellSpec spec) => spec.NetType is NetType.NnRnn or NetType.Eurnn
        || (spec.NetType is NetType.ExpRnn or NetType.RnnOrth && spec.RecurrentInit is Initializer.Henaff or Initializer.Cayley);

    private static IEnumerable<int> Sizes(CellSpec spec)
    {
        if (spec.NetType == NetType.Eurnn && spec.Fft)
        {
            for (int n = 2; n > 0 && n <= 1 << 30; n *= 2) yield return n;
            yield break;
        }
        int step = Even(spec) ? 2 : 1;
        for (int n = step; n < int.MaxValue - step; n += step) yield return n;
    }
}
