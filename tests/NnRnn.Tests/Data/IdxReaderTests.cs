using NnRnn.Experiments.Data;
using Xunit;

namespace NnRnn.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripsImagesAndLabels(bool gzip)
    {
        var images = IdxTestFiles.Images(3, 2, 4, i => (byte)(i * 7));
        var labels = IdxTestFiles.Labels(9, 0, 4);
        // A misleading name on purpose: the format is detected from the content.
        string imagesPath = IdxTestFiles.Write(_dir, "imgs.bin", gzip ? IdxTestFiles.Gzip(images) : images);
        string labelsPath = IdxTestFiles.Write(_dir, "labels.bin", gzip ? IdxTestFiles.Gzip(labels) : labels);

        var data = IdxReader.ReadPair(imagesPath, labelsPath);

        Assert.Equal((3, 2, 4), (data.Images.Count, data.Images.Rows, data.Images.Cols));
        Assert.Equal(images[16..], data.Images.Pixels);
        Assert.Equal([9L, 0L, 4L], data.Labels.Labels);
        Assert.Equal(3, data.Count);
    }

    [Fact]
    public void ScalesPixelsToUnitInterval()
    {
        string path = IdxTestFiles.Write(_dir, "i", IdxTestFiles.Images(1, 1, 3, i => new byte[] { 0, 51, 255 }[i]));
        Assert.Equal([0f, 0.2f, 1f], IdxReader.ReadImages(path).ToFloats());
    }

    [Fact]
    public void BadMagicNamesTheFile()
    {
        // A labels file given where images are expected.
        string path = IdxTestFiles.Write(_dir, "train-images-idx3-ubyte", IdxTestFiles.Labels(1, 2));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        AssertOneLine(e, path, "bad magic 0x00000801");
    }

    [Fact]
    public void TruncatedPayloadSaysHowMuchIsMissing()
    {
        var full = IdxTestFiles.Images(10, 28, 28);
        string path = IdxTestFiles.Write(_dir, "train-images-idx3-ubyte.gz", IdxTestFiles.Gzip(full[..(16 + 1000)]));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        AssertOneLine(e, path, "truncated: expected 7840 pixel bytes, found 1000");
    }

    [Fact]
    public void TruncatedGzipStreamIsAnError()
    {
        var gz = IdxTestFiles.Gzip(IdxTestFiles.Images(50, 28, 28, i => (byte)(i * 31 % 251)));
        string path = IdxTestFiles.Write(_dir, "cut.gz", gz[..(gz.Length / 2)]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        AssertOneLine(e, path, "");
    }

    [Fact]
    public void TruncatedHeaderIsAnError()
    {
        string path = IdxTestFiles.Write(_dir, "short", IdxTestFiles.Images(1, 2, 2)[..10]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        AssertOneLine(e, path, "truncated: expected a 16-byte header, found 10 bytes");
    }

    [Fact]
    public void TrailingBytesAreAnError()
    {
        string path = IdxTestFiles.Write(_dir, "long", [.. IdxTestFiles.Labels(1, 2), 7]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        AssertOneLine(e, path, "trailing data");
    }

    [Fact]
    public void LabelOutOfRangeNamesLabelAndIndex()
    {
        string path = IdxTestFiles.Write(_dir, "train-labels-idx1-ubyte", IdxTestFiles.Labels(1, 2, 10));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        AssertOneLine(e, path, "label 10 at index 2 is out of range 0..9");
        Assert.Equal(3, IdxReader.ReadLabels(path, classes: 11).Count);
    }

    [Fact]
    public void CountMismatchNamesBothFiles()
    {
        string images = IdxTestFiles.Write(_dir, "imgs", IdxTestFiles.Images(3, 2, 2));
        string labels = IdxTestFiles.Write(_dir, "lbls", IdxTestFiles.Labels(1, 2));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadPair(images, labels));
        AssertOneLine(e, labels, $"2 labels but {images} has 3 images");
    }

    [Fact]
    public void MissingFileIsReported()
    {
        string path = _dir.File("absent.gz");
        var e = Assert.Throws<DataMissingException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
    }

    internal static void AssertOneLine(Exception e, string path, string problem)
    {
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
    }
}
