using NnRnn.Build;
using Xunit;

namespace NnRnn.Tests;

/// <summary>The build's fix for TorchSharp's GLIBCXX_3.4.32 requirement (see build/GlibcxxFix.targets).</summary>
public class GlibcxxFixTests
{
    private const string Version = "GLIBCXX_3.4.32";
    private const ushort Weak = 0x2;

    private static string OutputCopy => Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();

    private static string? HostLibStdCxx => new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists);

    private static string NuGetCopy
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                       ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Directory.GetFiles(Path.Combine(root, "torchsharp"), "libLibTorchSharp.so", SearchOption.AllDirectories).First();
        }
    }

    [Fact]
    public void Output_copy_is_weak_exactly_when_the_host_lacks_the_version()
    {
        var host = HostLibStdCxx;
        Assert.NotNull(host);
        bool hostHasIt = ElfVersionNeedPatcher.DefinesVersion(host!, Version);
        var flags = ElfVersionNeedPatcher.ReadFlags(OutputCopy, Version);
        Assert.NotNull(flags);
        Assert.Equal(!hostHasIt, (flags!.Value & Weak) != 0);
    }

    [Fact]
    public void NuGet_cache_copy_is_never_patched()
    {
        var flags = ElfVersionNeedPatcher.ReadFlags(NuGetCopy, Version);
        Assert.Equal((ushort)0, flags!.Value & Weak);
    }

    [Fact]
    public void Patching_sets_only_the_weak_flag_and_is_idempotent()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"libLibTorchSharp-{Guid.NewGuid():N}.so");
        File.Copy(NuGetCopy, copy);
        try
        {
            var before = File.ReadAllBytes(copy);
            Assert.Equal(ElfVersionNeedPatcher.Outcome.Patched, ElfVersionNeedPatcher.MarkWeak(copy, Version));
            var after = File.ReadAllBytes(copy);
            Assert.Equal(before.Length, after.Length);
            Assert.Equal(1, before.Zip(after).Count(p => p.First != p.Second));
            Assert.Equal(Weak, ElfVersionNeedPatcher.ReadFlags(copy, Version)!.Value & Weak);
            Assert.Equal(ElfVersionNeedPatcher.Outcome.AlreadyWeak, ElfVersionNeedPatcher.MarkWeak(copy, Version));
            Assert.Equal(ElfVersionNeedPatcher.Outcome.NotReferenced, ElfVersionNeedPatcher.MarkWeak(copy, "GLIBCXX_9.9.99"));
        }
        finally { File.Delete(copy); }
    }

    [Fact]
    public void Patched_library_loads_in_a_fresh_process()
    {
        // A fresh `dotnet` process loads libLibTorchSharp.so from the build output and trains.
        var (code, stdout, stderr) = TestSupport.RunCli("bench", "--net-type", "RNN", "--nhid", "4", "--T", "2", "--warmup", "0", "--repeats", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("\"ms_median\"", stdout);
    }
}
