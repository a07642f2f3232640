using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// Which implementation runs a fused recurrence's loops: the C# small-shape kernels
/// (<see cref="ElmanKernel"/>, …) or one libtorch call per operation and step. Chosen by measured
/// thresholds on the arithmetic of one step, since libtorch's fixed cost per call (about 10 µs)
/// only dominates while a step is small.
/// </summary>
public static class KernelSelection
{
    /// <summary>
    /// Largest multiply-adds of one step's recurrent product (batch · width · output width) for which
    /// the small kernels are used with one libtorch thread. Measured (<c>nnrnn bench --compare-kernels
    /// --threads 1</c>, T = 50): the kernels won at every RNN and LSTM shape up to RNN N = 512, batch 100
    /// (26M per step, 1.14×) and lost at LSTM N = 512, batch 100 (105M per step, 0.80×).
    /// </summary>
    public const long SingleThreadLimit = 1L << 25;

    /// <summary>
    /// The same limit with several libtorch threads: the kernels run on one core, so they are kept to
    /// steps where libtorch's per-call cost still dominates (the copy task's 0.16M–0.66M per step);
    /// larger steps are left to the multi-threaded paths.
    /// </summary>
    public const long MultiThreadLimit = 1L << 22;

    /// <summary>
    /// Set false to force the libtorch loops (tests compare both; benchmarks time both). The setting
    /// holds for the caller's flow only (as <c>Gemm.Backend</c>): a test that turns the kernels off
    /// must not change the numbers of a training running beside it in the same process.
    /// </summary>
    public static bool Enabled { get => Override.Value ?? true; set => Override.Value = value; }

    private static readonly AsyncLocal<bool?> Override = new();

    /// <summary>
    /// True when a step of x [batch, k] · W [k, m] should run in the C# kernels: a CPU tensor of
    /// float32 or float64 and at most <see cref="SingleThreadLimit"/> (one thread) or
    /// <see cref="MultiThreadLimit"/> multiply-adds per step.
    /// </summary>
    public static bool UseSmallKernel(Tensor like, long batch, long k, long m)
    {
        bool small = Enabled && !ForceLargeOnThisThread && like.device_type == DeviceType.CPU
            && like.dtype is ScalarType.Float32 or ScalarType.Float64
            && batch * k * m <= (get_num_threads() <= 1 ? SingleThreadLimit : MultiThreadLimit);
        if (small) Interlocked.Increment(ref smallRuns);
        return small;
    }

    /// <summary>
    /// True when a large recurrence should still do its element-wise work per step in the C# kernels
    /// (its products going to the BLAS): a CPU tensor of float32 or float64 with the kernels enabled.
    /// </summary>
    public static bool UseElementwiseKernel(Tensor like)
    {
        bool use = Enabled && like.device_type == DeviceType.CPU && like.dtype is ScalarType.Float32 or ScalarType.Float64;
        if (use) Interlocked.Increment(ref elementwiseRuns);
        return use;
    }

    private static long elementwiseRuns;

    /// <summary>How many large sequences ran their element-wise work in the kernels so far in this process.</summary>
    public static long ElementwiseRuns => Interlocked.Read(ref elementwiseRuns);

    /// <summary>Tests: treat every shape as large on this thread (the forward pass decides the path).</summary>
    [ThreadStatic] internal static bool ForceLargeOnThisThread;

    private static long smallRuns;

    /// <summary>How many sequences the small kernels ran so far in this process (shows which path ran).</summary>
    public static long SmallRuns => Interlocked.Read(ref smallRuns);
}
