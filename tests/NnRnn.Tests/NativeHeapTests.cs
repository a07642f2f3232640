using System.Text.Json;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// The CLI keeps freed native memory in the heap (<see cref="NnRnn.Devices.NativeHeap"/>): after the
/// warm-up, a copy-task update must fault in fewer pages than one of its buffers holds, and psMNIST's
/// large buffers come in huge pages.
/// </summary>
public class NativeHeapTests
{
    [Fact]
    public void Updates_reuse_freed_memory_instead_of_faulting_pages_in()
    {
        if (!OperatingSystem.IsLinux()) return;   // /proc/self/stat and glibc's mallopt
        // A copy-task RNN update (T + 20 = 220 steps, batch 10, N = 128) allocates several [T, B, N]
        // buffers of 275 pages each. With the heap kept they are reused: measured 10-20 faults per update
        // here, 119 with the suite running beside it. glibc's adaptive thresholds gave anywhere from
        // 15 to 740 (they settle differently from run to run), so they are not compared against.
        double kept = FaultsPerUpdate(new() { ["NNRNN_NATIVE_HEAP"] = null }, "--net-type", "RNN", "--warmup", "40", "--repeats", "60");
        Assert.True(kept < 275, $"{kept} page faults per update with the heap kept (one [T, B, N] buffer is 275 pages)");
    }

    [Fact]
    public void Large_tensors_come_in_huge_pages()
    {
        const string thp = "/sys/kernel/mm/transparent_hugepage/enabled";
        // Only where huge pages come on request ([madvise]): with [never] there are none, with [always]
        // the kernel gives them without libtorch asking, so there is nothing to compare.
        if (!OperatingSystem.IsLinux() || !File.Exists(thp) || !File.ReadAllText(thp).Contains("[madvise]")) return;
        // psMNIST's [T, B, N] buffers at T = 200, B = 100, N = 512 are 41 MB: each its own mmap every update
        string[] args = { "--task", "psmnist", "--net-type", "RNN", "--nhid", "512", "--batch", "100", "--T", "200", "--threads", "1", "--warmup", "1", "--repeats", "2" };
        double huge = FaultsPerUpdate(new() { ["THP_MEM_ALLOC_ENABLE"] = null }, args);
        double small = FaultsPerUpdate(new() { ["THP_MEM_ALLOC_ENABLE"] = "0" }, args);
        Assert.True(small > 20_000, $"4 KB pages: {small} faults per update (expected the buffers to be faulted in every update)");
        Assert.True(huge < small / 4, $"faults per update: {huge} with huge pages, {small} without");
    }

    private static double FaultsPerUpdate(Dictionary<string, string?> environment, params string[] benchArgs)
    {
        var (code, stdout, stderr) = TestSupport.RunCliWith(environment, ["bench", .. benchArgs]);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout.Trim());
        return json.RootElement.GetProperty("page_faults_per_update").GetDouble();
    }
}
