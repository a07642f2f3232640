using NnRnn.Experiments.Data;
using Xunit;

namespace NnRnn.Tests.Data;

/// <summary>Reads the real Fashion-MNIST files that Debian's dataset-fashion-mnist installs.</summary>
public sealed class FashionMnistTests
{
    [FactRequiresFile(TestData.FashionTrainImages)]
    public void RealFilesHaveTheExpectedShapeAndLabels()
    {
        var paths = DataDirectory.WithFallbacks("/nonexistent-nnrnn-root").ResolveIdx("fashion-mnist");

        var train = paths.ReadTrain();
        var test = paths.ReadTest();

        Assert.Equal((60000, 28, 28), (train.Images.Count, train.Images.Rows, train.Images.Cols));
        Assert.Equal((10000, 28, 28), (test.Images.Count, test.Images.Rows, test.Images.Cols));
        Assert.Equal(60000, train.Labels.Count);
        Assert.Equal(10000, test.Labels.Count);
        // Every class 0..9 occurs (the reader already rejects anything outside that range).
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), train.Labels.Labels.Distinct().Order());
        Assert.Equal(9, train.Labels.Labels[0]);   // upstream's first training item is an ankle boot
    }

    [FactRequiresFile(TestData.FashionTrainImages)]
    public void DebianFilesMatchTheCatalogChecksums()
    {
        foreach (var file in DatasetCatalog.FashionMnist.Files)
        {
            var hashes = FileHashes.Of(Path.Combine(TestData.FashionDir, file.Name));
            Assert.True(hashes.Matches(file.Digests.Single(d => d.Kind == DigestKind.Sha256)), file.Name);
        }
    }
}
