using System.Runtime.InteropServices;

namespace NnRnn.Devices;

/// <summary>
/// Keeps freed native memory in the process between training updates. libtorch allocates every
/// tensor with malloc; glibc returns large freed blocks to the kernel (mmap'd blocks, and the heap's
/// top above the trim threshold), so each update faults the same pages in again and the kernel
/// zeroes them: on the copy task that was about 700 page faults and 2–3 ms of a 10 ms update.
/// Fixed thresholds (instead of glibc's adaptive ones) keep those blocks in the heap, so resident
/// memory stays at its peak instead of falling and rising every update.
/// </summary>
public static class NativeHeap
{
    // glibc <malloc.h>
    private const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3, M_MMAP_MAX = -4;

    /// <summary>Blocks up to this size come from the heap, never from their own mmap (glibc's
    /// largest allowed value on 64-bit: HEAP_MAX_SIZE / 2).</summary>
    public const int MmapThresholdBytes = 32 << 20;

    /// <summary>Free memory at the heap's top is returned to the kernel only above this size.</summary>
    public const int TrimThresholdBytes = 1 << 30;

    private static int applied;

    /// <summary>Sets the thresholds once per process. Returns false where the C library has no
    /// <c>mallopt</c> (not glibc) or refused a value, or where <c>NNRNN_NATIVE_HEAP=default</c> asks
    /// for glibc's own behaviour (to compare); the process then runs as before.</summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("NNRNN_NATIVE_HEAP") == "default") return false;
        if (Interlocked.Exchange(ref applied, 1) == 1) return true;
        try
        {
            // The trim threshold first: setting either one turns glibc's adaptive thresholds off.
            bool ok = mallopt(M_TRIM_THRESHOLD, TrimThresholdBytes) == 1 && mallopt(M_MMAP_THRESHOLD, MmapThresholdBytes) == 1;
            // Blocks above 32 MB (psMNIST's [T, B, N] buffers: 160 MB at N = 512) would still get an
            // mmap of their own, faulted in and zeroed every update (650 MB a psMNIST update): with no
            // mmap at all they come from the heap too and are reused.
            if (ok && Environment.GetEnvironmentVariable("NNRNN_NATIVE_HEAP") != "mmap") ok = mallopt(M_MMAP_MAX, 0) == 1;
            return ok;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
