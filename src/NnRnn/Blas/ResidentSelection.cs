using System.Diagnostics;
using System.Runtime.Intrinsics;
using NnRnn.Cells.Kernels;
using static TorchSharp.torch;

namespace NnRnn.Blas;

/// <summary>
/// Whether a recurrence's step products x [m, k] · W [k, n] run with W resident per core
/// (<see cref="ResidentWeights"/> on a <see cref="StepTeam"/>) or one <see cref="Gemm"/> call per
/// step. Needs float32 on the CPU, n a multiple of 64 and hardware Vector512 (AVX-512); then the
/// two are timed on scratch matrices of the shape the first time it is seen, and the choice is kept
/// per machine (<see cref="GemmChoiceCache"/>: the two round differently, so a seed must keep its path).
/// </summary>
internal static class ResidentSelection
{
    private static readonly bool? Default = Environment.GetEnvironmentVariable("NNRNN_RESIDENT") switch
    {
        "on" or "1" or "true" => true,
        "off" or "0" or "false" => false,
        _ => null,
    };

    private static readonly AsyncLocal<bool?> Forced = new();

    /// <summary>
    /// true or false forces the choice for the caller's flow (tests; also <c>NNRNN_RESIDENT=on|off</c>);
    /// null (the default) measures. Forcing it on runs on any CPU: without AVX-512 the vectors are emulated (slowly).
    /// </summary>
    public static bool? Force { get => Forced.Value ?? Default; set => Forced.Value = value; }

    /// <summary>How many threads share the steps: libtorch's thread count, at most one per panel.</summary>
    public static int Workers(long n)
        => (int)Math.Clamp(WorkersOnThisThread > 0 ? WorkersOnThisThread : get_num_threads(), 1, Math.Max(1, n / ResidentWeights.PanelWidth));

    /// <summary>Tests: this many workers for sequences started on this thread, whatever libtorch's thread count (0: none set).</summary>
    [ThreadStatic] internal static int WorkersOnThisThread;

    private static long runs;

    /// <summary>How many sequences chose the resident path so far in this process (shows which path ran).</summary>
    public static long Runs => Interlocked.Read(ref runs);

    /// <summary>True when the step products of this recurrence should keep W resident per core.</summary>
    public static bool Use(Tensor like, long m, long k, long n)
    {
        bool use = Choose(like, m, k, n);
        if (use) Interlocked.Increment(ref runs);
        return use;
    }

    private static bool Choose(Tensor like, long m, long k, long n)
    {
        if (!KernelSelection.Enabled || like.device_type != TorchSharp.DeviceType.CPU || like.dtype != ScalarType.Float32
            || n % ResidentWeights.PanelWidth != 0 || k < 1 || m < 1 || m * k > int.MaxValue || k * n > int.MaxValue)
            return false;
        if (Force is bool forced) return forced;
        if (!Vector512.IsHardwareAccelerated) return false;
        int workers = Workers(n);
        return GemmChoiceCache.GetOrMeasureResident((m, k, n, workers), () => Measure(m, k, n, workers));
    }

    /// <summary>
    /// The best time of each over alternating trials of a few steps' products. The best, not a median
    /// of paired ratios as for the libraries (<see cref="Gemm"/>): a team that spins at every step loses
    /// far more than a BLAS call when another process takes a core for a moment (a test run beside it
    /// made psMNIST's LSTM product choose the BLAS, then run 1.2× slower on the idle machine), and the
    /// choice is kept, so it should be the one that is right when the machine is the run's own.
    /// </summary>
    private static bool Measure(long m, long k, long n, int workers)
    {
        using var scope = NewDisposeScope();
        const int steps = 8, trials = 9;
        var (a, b, c, weights) = Scratch(m, k, n);
        using var packed = weights;
        var resident = Products(a, c, weights, workers, steps);
        void Library()
        {
            for (int s = 0; s < steps; s++) Gemm.MultiplyInto(c, a, b, beta: 0);
        }
        resident();
        Library();
        double residentMs = double.MaxValue, libraryMs = double.MaxValue;
        for (int i = 0; i < 2 * trials; i++)
        {
            bool residentNow = i % 2 == 0;
            var watch = Stopwatch.StartNew();
            if (residentNow) resident(); else Library();
            double ms = watch.Elapsed.TotalMilliseconds;
            if (residentNow) residentMs = Math.Min(residentMs, ms); else libraryMs = Math.Min(libraryMs, ms);
        }
        return residentMs < libraryMs;
    }

    // Scratch a [m, k], b [k, n], c [m, n] and b packed, from a generator of its own: measuring must not shift anyone's draws.
    private static (Tensor A, Tensor B, Tensor C, ResidentWeights Weights) Scratch(long m, long k, long n)
    {
        using var scratch = new Generator(0);
        var a = rand(m, k, generator: scratch);
        var b = rand(k, n, generator: scratch);
        return (a, b, zeros(m, n), new ResidentWeights(TensorMemory.Of<float>(b), (int)k, (int)n, ResidentWeights.Consecutive((int)n)));
    }

    // A team's products c = a · B (B packed in weights), once per step.
    private static unsafe Action Products(Tensor a, Tensor c, ResidentWeights weights, int workers, int steps)
    {
        var (pa, pc) = ((nint)TensorMemory.Address(a), (nint)TensorMemory.Address(c));
        int m = (int)a.shape[0], k = (int)a.shape[1], n = (int)c.shape[1];
        return () => StepTeam.Run(workers, steps, (worker, _) =>
        {
            var (first, count) = ResidentWeights.Share(weights.Panels, worker, workers);
            weights.MultiplyInto((float*)pa, k, m, (float*)pc, n, first, count, accumulate: false);
        });
    }

    /// <summary>
    /// GFLOP/s of the step product on <paramref name="threads"/> workers (B packed once, then
    /// <paramref name="steps"/> products [m, k] · [k, n] per timing), best of <paramref name="repeats"/>
    /// after one warm-up, for <c>nnrnn bench --roofline</c>; 0 where it cannot run (n not a multiple of 64).
    /// </summary>
    public static double Rate(long m, long k, long n, int threads, int steps, int repeats = 3)
    {
        if (n % ResidentWeights.PanelWidth != 0) return 0;
        using var scope = NewDisposeScope();
        var (a, _, c, weights) = Scratch(m, k, n);
        using var packed = weights;
        var run = Products(a, c, weights, (int)Math.Clamp(threads, 1, n / ResidentWeights.PanelWidth), steps);
        double best = double.MaxValue;
        for (int i = 0; i <= repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            if (i > 0) best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return Math.Round(2.0 * m * k * n * steps / best / 1e9, 1);
    }
}
