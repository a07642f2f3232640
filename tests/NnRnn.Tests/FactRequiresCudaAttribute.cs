using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>A [Fact] reported as skipped, with the reason, where libtorch sees no CUDA device (CPU-only CI).</summary>
public sealed class FactRequiresCudaAttribute : FactAttribute
{
    public FactRequiresCudaAttribute()
    {
        if (!CudaPresent) Skip = "no CUDA here (CPU-only libtorch or no GPU); run with a CUDA libtorch (README, GPU)";
    }

    /// <summary>Whether the loaded libtorch has CUDA and sees a device.</summary>
    public static bool CudaPresent => cuda.is_available() && cuda.device_count() > 0;
}
