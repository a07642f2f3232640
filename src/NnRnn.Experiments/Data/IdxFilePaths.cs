namespace NnRnn.Experiments.Data;

/// <summary>The four files of an MNIST-style dataset, as found on disk.</summary>
public sealed record IdxFilePaths(string TrainImages, string TrainLabels, string TestImages, string TestLabels)
{
    public IdxDataset ReadTrain(int classes = 10) => IdxReader.ReadPair(TrainImages, TrainLabels, classes);
    public IdxDataset ReadTest(int classes = 10) => IdxReader.ReadPair(TestImages, TestLabels, classes);
}
