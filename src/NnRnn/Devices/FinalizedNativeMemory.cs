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
    public static void Release()
    {
        long now = Environment.TickCount64;
        if (now - Volatile.Read(ref last) < IntervalMs) return;
        Volatile.Write(ref last, now);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
    }
}
