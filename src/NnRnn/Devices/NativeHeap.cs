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
    private const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;

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
            // Blocks above 32 MB (psMNIST's [T, B, N] buffers) keep their own mmap: with mmap off
            // (M_MMAP_MAX = 0) they came from the heap, but fragmented it, and a psMNIST N = 512
            // update's peak resident memory went from 0.66 to 1.57 GB.
            return mallopt(M_TRIM_THRESHOLD, TrimThresholdBytes) == 1 && mallopt(M_MMAP_THRESHOLD, MmapThresholdBytes) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Asks libtorch to back its large tensors (2 MB and up) with transparent huge pages
    /// (<c>THP_MEM_ALLOC_ENABLE=1</c>, read by libtorch's CPU allocator at its first allocation, so
    /// call this before the first torch call). Those blocks still get an mmap of their own every
    /// update, but in 2 MB pages: a psMNIST N = 512 update faulted 3,900 times instead of 158,000,
    /// with the same peak memory. Not where the user set the variable, where
    /// <c>NNRNN_NATIVE_HEAP=default</c>, or where the kernel has transparent huge pages off.
    /// </summary>
    public static bool PreferHugePages()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("NNRNN_NATIVE_HEAP") == "default"
            || Environment.GetEnvironmentVariable("THP_MEM_ALLOC_ENABLE") is not null)
            return false;
        try
        {
            const string thp = "/sys/kernel/mm/transparent_hugepage/enabled";
            if (!File.Exists(thp) || File.ReadAllText(thp).Contains("[never]", StringComparison.Ordinal)) return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return NativeEnvironment.Set("THP_MEM_ALLOC_ENABLE", "1");   // the C environment libtorch reads
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
