namespace NnRnn.Devices;

/// <summary>
/// TorchSharp's <c>Scalar</c>s (one per number passed to a tensor op: optimizer coefficients, Padé
/// coefficients) and pinned shape arrays free their native memory only in finalizers, and training
/// allocates so little managed memory that the GC may not run for hundreds of updates. Meanwhile
/// those small native blocks sit between the large tensor blocks glibc reuses, so the heap cannot
/// coalesce them: it grew every update (PTB expRNN, N = 1024: resident 1.05 → 1.62 GB over 15
/// updates) and each update faulted in and zeroed fresh pages. A generation-0 collection after an
/// update queues them for finalization while there are still few of them.
/// </summary>
public static class FinalizedNativeMemory
{
    // At most one collection per this many milliseconds: every update on PTB and psMNIST (a second
    // each), every tenth or so on the copy task, where a collection would be a few % of an update.
    private const long IntervalMs = 50;
    private static long last;

    /// <summary>Collects generation 0 if the last collection here was long enough ago (well under a millisecond: an update's managed heap is small).</summary>
    public static void Release() => ReleaseAt(Environment.TickCount64);

    /// <summary><see cref="Release"/> at the time <paramref name="nowMs"/>; whether it collected.</summary>
    internal static bool ReleaseAt(long nowMs)
    {
        long previous = Volatile.Read(ref last);
        if (nowMs - previous < IntervalMs || Interlocked.CompareExchange(ref last, nowMs, previous) != previous) return false;
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        return true;
    }

    /// <summary>When the last collection here ran (tests put it back).</summary>
    internal static long LastMs { get => Volatile.Read(ref last); set => Volatile.Write(ref last, value); }
}
