namespace NnRnn.Experiments.Data;

/// <summary>The four files of an MNIST-style dataset, as found on disk.</summary>
public sealed record IdxFilePaths(string TrainImages, string TrainLabels, string TestImages, string TestLabels)
{
    /// <summary>MNIST and Fashion-MNIST images are 28×28: sequential MNIST is 784 steps (paper §5.2).</summary>
    public const int Side = 28;

    public IdxDataset ReadTrain(int classes = 10) => RequireMnistSize(IdxReader.ReadPair(TrainImages, TrainLabels, classes));
    public IdxDataset ReadTest(int classes = 10) => RequireMnistSize(IdxReader.ReadPair(TestImages, TestLabels, classes));

    private static IdxDataset RequireMnistSize(IdxDataset data)
    {
        var images = data.Images;
        if (images.Rows != Side || images.Cols != Side)
            throw new DataFormatException(images.Path, $"images are {images.Rows}x{images.Cols}, expected {Side}x{Side} (MNIST family)");
        return data;
    }
}
