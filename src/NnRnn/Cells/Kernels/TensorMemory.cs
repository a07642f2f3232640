using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Cells.Kernels;

/// <summary>
/// A contiguous CPU tensor's elements as a span over its own memory (no copy): the small-shape
/// kernels read and write tensors in place instead of calling libtorch once per operation.
/// </summary>
internal static class TensorMemory
{
    /// <summary>The elements of <paramref name="t"/> (contiguous, on the CPU, element type <typeparamref name="T"/>).</summary>
    public static Span<T> Of<T>(Tensor t) where T : unmanaged
    {
        if (t.device_type != DeviceType.CPU || !t.is_contiguous())
            throw new ArgumentException("a kernel needs a contiguous CPU tensor");
        if (Marshal.SizeOf<T>() != t.ElementSize)
            throw new ArgumentException($"a kernel over {typeof(T).Name} got a {t.dtype} tensor");
        return MemoryMarshal.Cast<byte, T>(t.bytes);
    }

    /// <summary>The address of a contiguous CPU float32 tensor's first element (its memory is native and does not move).</summary>
    public static unsafe float* Address(Tensor t)
        => (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetReference(Of<float>(t)));
}
