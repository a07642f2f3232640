using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Devices;

/// <summary>
/// Memory for the large [T, B, ·] buffers a fused recurrence writes every update (H, dL/dA), kept
/// between updates. From libtorch's allocator each such buffer is a fresh mmap every update (glibc
/// maps anything above 32 MB on its own), which the kernel faults in and zeroes again: on a psMNIST
/// N = 512 update that zeroing was 8 % of the time (perf: clear_page under the copy into H and dL/dA).
/// A rented tensor is an ordinary libtorch tensor over memory of this pool (<c>from_blob</c> with a
/// deleter): libtorch hands the memory back when the last tensor or view using it is freed, never
/// before, so a caller who keeps the tensor keeps its memory.
/// </summary>
public static unsafe class TensorMemoryPool
{
    /// <summary>Smaller buffers come from libtorch as usual (glibc's heap keeps them).</summary>
    public const long MinimumBytes = 8L << 20;

    /// <summary>Free memory kept for later rents; what is returned above it is released.</summary>
    public const long MaximumIdleBytes = 4L << 30;

    private const nuint Alignment = 2 << 20;   // whole transparent huge pages
    private const int MADV_HUGEPAGE = 14;

    private static readonly object Gate = new();
    private static readonly Dictionary<long, Stack<nint>> Idle = new();
    private static readonly Dictionary<nint, long> Sizes = new();
    private static long idleBytes;
    private static long rents, reuses;

    private static readonly bool EnabledByDefault = Environment.GetEnvironmentVariable("NNRNN_TENSOR_POOL") != "off";
    private static readonly AsyncLocal<bool?> EnabledHere = new();

    /// <summary>
    /// False turns the pool off (every rent comes from libtorch); by default <c>NNRNN_TENSOR_POOL=off</c>
    /// does. Setting it is async-local, like <c>KernelSelection.Enabled</c>: a comparison that turns the
    /// pool off does not turn it off for other work running beside it (parallel tests did).
    /// </summary>
    public static bool Enabled { get => EnabledHere.Value ?? EnabledByDefault; set => EnabledHere.Value = value; }

    /// <summary>Rents so far and how many of them reused memory.</summary>
    public static (long Rents, long Reuses) Counts { get { lock (Gate) return (rents, reuses); } }

    /// <summary>Bytes held by the pool and not in use.</summary>
    public static long IdleBytes { get { lock (Gate) return idleBytes; } }

    /// <summary>
    /// An uninitialised tensor of this shape (like <c>torch.empty</c>). CPU float tensors of at least
    /// <see cref="MinimumBytes"/> come from the pool; anything else from libtorch.
    /// </summary>
    public static Tensor Empty(ReadOnlySpan<long> shape, ScalarType dtype, Device device) => Empty(shape, dtype, device, MinimumBytes);

    /// <summary>As <see cref="Empty(ReadOnlySpan{long}, ScalarType, Device)"/>, pooling from <paramref name="minimumBytes"/> up
    /// (the orthogonal step's N × N matrices: a dozen of them live at once, every update).</summary>
    public static Tensor Empty(ReadOnlySpan<long> shape, ScalarType dtype, Device device, long minimumBytes)
    {
        var dims = shape.ToArray();
        long bytes = dims.Aggregate(1L, (n, d) => n * d) * ElementBytes(dtype);
        if (!Enabled || device.type != DeviceType.CPU || bytes < minimumBytes || bytes == 0)   // 0 bytes: not a float type
            return empty(dims, dtype, device);
        var memory = Take(bytes);
        IntPtr handle;
        fixed (long* d = dims)
            handle = THSTensor_new((IntPtr)memory, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, void>)&Give, (IntPtr)d, dims.Length,
                (sbyte)dtype, (sbyte)dtype, (int)DeviceType.CPU, 0, false);
        if (handle == IntPtr.Zero)
        {
            Return((IntPtr)memory);
            return empty(dims, dtype, device);
        }
        return Tensor.UnsafeCreateTensor(handle);
    }

    private static void* Take(long bytes)
    {
        lock (Gate)
        {
            rents++;
            if (Idle.TryGetValue(bytes, out var stack) && stack.Count > 0)
            {
                reuses++;
                idleBytes -= bytes;
                return (void*)stack.Pop();
            }
        }
        // A shape not seen in the last update (evaluation's batch, a shorter last window): what is
        // idle was kept for other shapes, so it goes, and the pool never holds more than one
        // update's worth of buffers it does not use.
        Trim();
        var memory = NativeMemory.AlignedAlloc((nuint)bytes, Alignment);
        if (OperatingSystem.IsLinux()) madvise((nint)memory, (nuint)bytes, MADV_HUGEPAGE);   // a hint: refused where THP is off
        lock (Gate) Sizes[(nint)memory] = bytes;
        return memory;
    }

    // libtorch's deleter: called once, when the storage's last reference goes, on whichever thread.
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static void Give(IntPtr memory) => Return(memory);

    private static void Return(IntPtr memory)
    {
        lock (Gate)
        {
            long bytes = Sizes[memory];
            if (idleBytes + bytes <= MaximumIdleBytes)
            {
                if (!Idle.TryGetValue(bytes, out var stack)) Idle[bytes] = stack = new Stack<nint>();
                stack.Push(memory);
                idleBytes += bytes;
                return;
            }
            Sizes.Remove(memory);
        }
        NativeMemory.AlignedFree((void*)memory);
    }

    /// <summary>Releases the idle memory (tests; a process that is done training).</summary>
    public static void Trim()
    {
        List<nint> free;
        lock (Gate)
        {
            free = Idle.Values.SelectMany(s => s).ToList();
            foreach (var p in free) Sizes.Remove(p);
            Idle.Clear();
            idleBytes = 0;
        }
        foreach (var p in free) NativeMemory.AlignedFree((void*)p);
    }

    private static int ElementBytes(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => 4,
        ScalarType.Float64 => 8,
        _ => 0,
    };

    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_new(IntPtr data, IntPtr deleter, IntPtr sizes, int dimensions, sbyte scalarType, sbyte dtype,
        int deviceType, int deviceIndex, [MarshalAs(UnmanagedType.U1)] bool requiresGrad);

    [DllImport("libc", SetLastError = false)]
    private static extern int madvise(nint address, nuint length, int advice);
}
