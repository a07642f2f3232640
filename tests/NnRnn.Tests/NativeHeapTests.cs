using System.Text.Json;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// psMNIST's large buffers come in huge pages (<see cref="NnRnn.Devices.NativeHeap"/>). The small
/// blocks' fault counts are a benchmark figure (<c>bench</c>'s page_faults_per_update), not a test:
/// with the suite running beside it, JIT and GC pages made them vary from 10 to 312 per update.
/// </summary>
public class NativeHeapTests
{
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
