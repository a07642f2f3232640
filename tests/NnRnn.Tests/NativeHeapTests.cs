using System.Text.Json;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// The CLI keeps freed native memory in the heap (<see cref="NnRnn.Devices.NativeHeap"/>): after the
/// warm-up, a copy-task update must fault far fewer fresh pages in than with glibc's own thresholds
/// (NNRNN_NATIVE_HEAP=default), which return the update's blocks to the kernel every time.
/// </summary>
public class NativeHeapTests
{
    [Fact]
    public void Updates_reuse_freed_memory_instead_of_faulting_pages_in()
    {
        if (!OperatingSystem.IsLinux()) return;   // /proc/self/stat and glibc's mallopt
        double Faults(string heap)
        {
            var (code, stdout, stderr) = TestSupport.RunCliWith(new Dictionary<string, string?> { ["NNRNN_NATIVE_HEAP"] = heap },
                "bench", "--net-type", "RNN", "--warmup", "10", "--repeats", "20");
            Assert.True(code == 0, stderr);
            using var json = JsonDocument.Parse(stdout.Trim());
            return json.RootElement.GetProperty("page_faults_per_update").GetDouble();
        }
        double kept = Faults("keep"), glibc = Faults("default");
        Assert.True(glibc > 100, $"glibc's thresholds: {glibc} faults per update (expected the copy task's buffers to be faulted in every update)");
        Assert.True(kept < glibc / 4, $"faults per update: {kept} with the heap kept, {glibc} with glibc's thresholds");
    }
}
