using System.Text.Json;
using NnRnn.Cells;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>
/// How far float32 rounding alone moves one trajectory, measured on our side before comparing:
/// the trajectory in float64 (no rounding to speak of) against float32 runs whose starting
/// parameters carry rounding-sized noise (×(1 + 1e-7·N(0,1)), about one ulp) and the unperturbed
/// float32 runs on both unroll paths. The envelope at update k is the largest loss deviation from
/// float64 over those runs and over updates 1..k, so it never shrinks with k. Where RMSprop
/// normalises a near-zero gradient into a full step (REFERENCE.md, ill-conditioned orthogonal step),
/// one flipped sign moves the whole trajectory: the envelope grows accordingly.
/// The bound for update k is abs + rel·|want| + <see cref="Safety"/>·envelope_k (README, "Tolerances").
/// </summary>
public sealed class TrajectoryTolerance
{
    /// <summary>One update's float32 bound from the golden file's forward rule (abs 1e-6 + rel 1e-5·|want|).</summary>
    public static readonly Tolerance SingleUpdate = new(1e-6, 1e-5);

    /// <summary>
    /// Multiple of the measured envelope allowed between ours and the reference: the reference is one
    /// more rounding realisation, so |ours − ref| ≤ |ours − f64| + |ref − f64| ≤ 2·envelope when the
    /// reference rounds like our runs; 3 leaves room for a BLAS that rounds worse (measured on the
    /// shared file: README).
    /// </summary>
    public const double Safety = 3;

    /// <summary>Relative size of the rounding-sized noise on the starting parameters (≈ one float32 ulp).</summary>
    public const double Jitter = 1e-7;

    /// <summary>How many perturbed float32 runs the envelope takes.</summary>
    public const int PerturbedRuns = 4;

    private TrajectoryTolerance(double[] loss, double[] accuracy, Dictionary<string, double> parameters)
    {
        LossEnvelope = loss;
        AccuracyEnvelope = accuracy;
        ParameterEnvelope = parameters;
    }

    /// <summary>Running max over updates 1..k of |accuracy_k − accuracy_k(float64)| over the runs.</summary>
    public double[] AccuracyEnvelope { get; }

    /// <summary>
    /// The bound on |accuracy_k − want_k|: an argmax flips where two logits are within rounding, so
    /// one symbol of the batch, or the measured envelope times <see cref="Safety"/> where that is larger.
    /// </summary>
    public double AccuracyBound(int k, double oneSymbol) => Math.Max(oneSymbol, Safety * AccuracyEnvelope[k - 1]) + 1e-12;

    /// <summary>Running max over updates 1..k of |loss_k − loss_k(float64)| over the runs.</summary>
    public double[] LossEnvelope { get; }

    /// <summary>Per final parameter: max |p − p(float64)| over the runs.</summary>
    public Dictionary<string, double> ParameterEnvelope { get; }

    /// <summary>The bound on |loss_k − want_k| for update k (1-based).</summary>
    public double LossBound(int k, double want) => SingleUpdate.Bound(Math.Abs(want)) + Safety * LossEnvelope[k - 1];

    /// <summary>The per-tensor bound on a final parameter's change over the K updates.</summary>
    public double ParameterBound(string name, double maxWantChange)
        => SingleUpdate.Bound(maxWantChange) + Safety * ParameterEnvelope.GetValueOrDefault(name);

    /// <summary>Measures the envelope of one trajectory; <paramref name="checkedRuns"/> are our float32 runs being checked.</summary>
    public static TrajectoryTolerance Measure(JsonElement trajectory, IEnumerable<GoldenChecker.TrajectoryRun> checkedRuns)
    {
        var exact = GoldenChecker.RunTrajectory(trajectory, UnrollMode.Fused, ScalarType.Float64);
        var runs = checkedRuns.ToList();
        for (int s = 1; s <= PerturbedRuns; s++)
            runs.Add(GoldenChecker.RunTrajectory(trajectory, UnrollMode.Fused, ScalarType.Float32, Jitter, s));
        int k = exact.Losses.Length;
        var loss = RunningMax(runs.Select(r => r.Losses), exact.Losses);
        var accuracy = RunningMax(runs.Select(r => r.Accuracies), exact.Accuracies);
        var parameters = MaxDeviation(runs.Select(r => r.ParamsAfter), exact.ParamsAfter);
        foreach (var r in runs.Skip(runs.Count - PerturbedRuns)) r.Dispose();
        exact.Dispose();
        return new TrajectoryTolerance(loss, accuracy, parameters);
    }

    /// <summary>Per update k: the largest |run_j − exact_j| over the runs and every j ≤ k (a non-finite value counts as infinite).</summary>
    internal static double[] RunningMax(IEnumerable<double[]> runs, double[] exact)
    {
        var all = runs.ToList();
        var envelope = new double[exact.Length];
        double running = 0;
        for (int i = 0; i < exact.Length; i++)
        {
            foreach (var r in all)
                running = Math.Max(running, double.IsFinite(r[i]) ? Math.Abs(r[i] - exact[i]) : double.PositiveInfinity);
            envelope[i] = running;
        }
        return envelope;
    }

    /// <summary>Per parameter of <paramref name="exact"/> (named with <paramref name="prefix"/>): max |p − p(exact)| over the runs that have it.</summary>
    internal static Dictionary<string, double> MaxDeviation(IEnumerable<IReadOnlyDictionary<string, Tensor>> runs, IReadOnlyDictionary<string, Tensor> exact,
        string prefix = "", Dictionary<string, double>? into = null)
    {
        var all = runs.ToList();
        var deviations = into ?? new Dictionary<string, double>();
        foreach (var (name, value) in exact)
        {
            double e = 0;
            foreach (var r in all)
                if (r.TryGetValue(name, out var v))
                    using (var d = (v - value).abs().max()) e = Math.Max(e, d.item<double>());
            deviations[prefix + name] = e;
        }
        return deviations;
    }
}
