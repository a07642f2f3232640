using NnRnn.Experiments.Data;
using Xunit;

namespace NnRnn.Tests.Data;

public sealed class DatasetCatalogTests
{
    [Fact]
    public void EveryDigestIsWellFormedLowercaseHex()
    {
        foreach (var digest in DatasetCatalog.All.SelectMany(d => d.Files).SelectMany(f => f.Digests))
        {
            Assert.Equal(digest.Kind == DigestKind.Sha256 ? 64 : 32, digest.Hex.Length);
            Assert.Matches("^[0-9a-f]+$", digest.Hex);
        }
    }

    [Fact]
    public void MnistHasTwoMirrorsAndFourFiles()
    {
        Assert.Equal(2, DatasetCatalog.Mnist.BaseUrls.Count);
        Assert.Equal(
            [DatasetCatalog.TrainImages, DatasetCatalog.TrainLabels, DatasetCatalog.TestImages, DatasetCatalog.TestLabels],
            DatasetCatalog.Mnist.Files.Select(f => f.Name));
    }

    [Fact]
    public void LookupIgnoresCase()
    {
        Assert.Same(DatasetCatalog.FashionMnist, DatasetCatalog.Get("Fashion-MNIST"));
    }
}
