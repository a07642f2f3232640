using NnRnn.Blas;
using Xunit;

namespace NnRnn.Tests;

/// <summary>The library chosen for a product shape is measured once per machine and then remembered across processes.</summary>
[Collection(nameof(HostileInputCollection))]   // changes an environment variable: never beside another such test
public sealed class GemmChoiceCacheTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("nnrnn-gemm-").FullName;
    private readonly string? before = Environment.GetEnvironmentVariable("NNRNN_GEMM_CACHE");

    public GemmChoiceCacheTests() => Environment.SetEnvironmentVariable("NNRNN_GEMM_CACHE", Path.Combine(dir, "choices.json"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("NNRNN_GEMM_CACHE", before);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_measured_choice_is_reused_instead_of_measuring_again()
    {
        int measured = 0;
        var first = GemmChoiceCache.GetOrMeasure((100, 512, 512, false, true, 2), () => { measured++; return GemmBackend.OpenBlas; });
        // a later process (the file is all it shares) would measure Torch this time: the file decides
        var again = GemmChoiceCache.GetOrMeasure((100, 512, 512, false, true, 2), () => { measured++; return GemmBackend.Torch; });
        Assert.Equal((GemmBackend.OpenBlas, GemmBackend.OpenBlas, 1), (first, again, measured));
        var other = GemmChoiceCache.GetOrMeasure((100, 512, 512, false, true, 1), () => GemmBackend.Torch);   // another thread count is another shape
        Assert.Equal(GemmBackend.Torch, other);
        Assert.Contains("OpenBlas", File.ReadAllText(GemmChoiceCache.Path));
    }

    [Fact]
    public void A_damaged_cache_file_is_measured_again_not_an_error()
    {
        File.WriteAllText(GemmChoiceCache.Path, "{ not json");
        Assert.Equal(GemmBackend.Torch, GemmChoiceCache.GetOrMeasure((7, 8, 9, false, false, 1), () => GemmBackend.Torch));
        Assert.Contains("Torch", File.ReadAllText(GemmChoiceCache.Path));
    }
}
