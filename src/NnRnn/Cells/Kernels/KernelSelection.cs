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
    /// the small kernels are used. Measured with <c>nnrnn bench</c> (1 thread): see README, `nnrnn bench`.
    /// </summary>
    public const long SmallStepLimit = 4L << 20;

    /// <summary>Set false to force the libtorch loops (tests compare both; benchmarks time both).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>
    /// True when a step of x [batch, k] · W [k, m] should run in the C# kernels: a CPU tensor of
    /// float32 or float64 and at most <see cref="SmallStepLimit"/> multiply-adds per step.
    /// </summary>
    public static bool UseSmallKernel(Tensor like, long batch, long k, long m)
    {
        bool small = Enabled && like.device_type == DeviceType.CPU
            && like.dtype is ScalarType.Float32 or ScalarType.Float64
            && batch * k * m <= SmallStepLimit;
        if (small) Interlocked.Increment(ref smallRuns);
        return small;
    }

    private static long smallRuns;

    /// <summary>How many sequences the small kernels ran so far (lets tests see which path ran).</summary>
    internal static long SmallRuns => Interlocked.Read(ref smallRuns);
}
