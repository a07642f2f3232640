using System.Text.Json;
using NnRnn.Devices;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// The native memory TorchSharp frees only in finalizers (Scalars, pinned arrays) is released after
/// each update (<see cref="FinalizedNativeMemory"/>), so resident memory stays flat on long runs.
/// </summary>
public class FinalizedNativeMemoryTests
{
    [Fact]
    public void Release_collects_generation_zero_at_most_once_per_interval()
    {
        long saved = FinalizedNativeMemory.LastMs;
        try
        {
            // far from any time other tests' updates use, so their releases do not interleave
            long now = Environment.TickCount64 + 10_000_000;
            int before = GC.CollectionCount(0);
            Assert.True(FinalizedNativeMemory.ReleaseAt(now), "the first release ran no collection");
            Assert.True(GC.CollectionCount(0) > before, "the release reported a collection that did not happen");
            Assert.False(FinalizedNativeMemory.ReleaseAt(now + 10), "a release within the interval collected again");
            Assert.True(FinalizedNativeMemory.ReleaseAt(now + 50), "a release after the interval did not collect");
        }
        finally { FinalizedNativeMemory.LastMs = saved; }
    }

    [Fact]
    public void Language_model_updates_keep_resident_memory_flat()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Before the release, this grew by about 1.5 MB per update (180 MB over these 120 updates):
        // PTB expRNN's Padé and Adam Scalars fragmented glibc's heap.
        var (code, stdout, stderr) = TestSupport.RunCli(["bench", "--task", "ptb", "--net-type", "expRNN", "--nhid", "256",
            "--batch", "32", "--T", "20", "--threads", "1", "--warmup", "30", "--soak", "120"]);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout.Trim());
        double start = json.RootElement.GetProperty("rss_start_mb").GetDouble(), end = json.RootElement.GetProperty("rss_end_mb").GetDouble();
        Assert.True(end - start < 60, $"resident memory grew from {start} to {end} MB over 120 updates");
    }
}
