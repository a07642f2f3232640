using NnRnn.Experiments.Data;
using NnRnn.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Tasks;

/// <summary>
/// (Permuted) sequential MNIST (paper §5.2): each image is read one pixel per step (rows·cols
/// steps, input size 1, pixels in [0, 1]) and classified from the state after the last pixel.
/// <para>
/// Pixel order and split are drawn as the reference's sMNIST.py draws them, from one numpy
/// <c>RandomState(1234)</c> (<see cref="NumpyRandomState"/>): first <c>order = permutation(pixels)</c>,
/// then <c>R = permutation(n)</c>; validation is the last <c>validationSize</c> images of R, train the
/// rest in R's order. <c>--permute</c> reorders the pixels of every image by <c>order</c>; the order is
/// drawn either way, so the split does not depend on <c>--permute</c> (the reference has no split
/// without it) nor on <c>--random-seed</c>.
/// </para>
/// <para>
/// <c>limitTrain</c> keeps the first N images of the train part (after the split), so the
/// validation images never change with it; <c>limitTest</c> keeps the first N test images.
/// Neither limits validation: <c>validationSize</c> does.
/// </para>
/// </summary>
public sealed class SequentialMnist : IDisposable
{
    /// <summary>Seed of the numpy generator that draws the pixel permutation, then the split (the reference's 1234).</summary>
    public const uint PermutationSeed = 1234;

    /// <summary>The validation size for a 60k training file (the paper's 50k/10k split).</summary>
    public const int StandardValidationSize = 10_000;

    public const int Classes = 10;

    private readonly Tensor trainImages, trainLabels, testImages, testLabels;
    private readonly Tensor trainIndices, validIndices, testIndices;
    private readonly Tensor? permutation;

    /// <param name="trainImages">Training-file images [n, pixels] float32 in [0, 1] (taken over).</param>
    /// <param name="trainLabels">Their labels [n] int64 (taken over).</param>
    /// <param name="testImages">Test images [m, pixels] (taken over).</param>
    /// <param name="testLabels">Test labels [m] (taken over).</param>
    /// <param name="permute">Reorder the pixels by the fixed permutation.</param>
    /// <param name="validationSize">Validation images; null for <see cref="DefaultValidationSize"/>.</param>
    /// <param name="limitTrain">Keep at most this many images of the train part; null for all.</param>
    /// <param name="limitTest">Keep at most this many test images; null for all.</param>
    public SequentialMnist(Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels,
        bool permute, int? validationSize = null, int? limitTrain = null, int? limitTest = null)
    {
        if (trainImages.dim() != 2 || testImages.dim() != 2)
            throw new ArgumentException("images must be [count, pixels]");
        if (trainImages.shape[1] != testImages.shape[1])
            throw new InvalidDataException(
                $"training images have {trainImages.shape[1]} pixels but test images {testImages.shape[1]}");
        if (trainLabels.shape[0] != trainImages.shape[0] || testLabels.shape[0] != testImages.shape[0])
            throw new ArgumentException("every image needs one label");
        if (limitTrain is <= 0) throw new ArgumentException($"--limit-train: must be positive (got {limitTrain})");
        if (limitTest is <= 0) throw new ArgumentException($"--limit-test: must be positive (got {limitTest})");
        int n = (int)trainImages.shape[0];
        if (n < 2) throw new InvalidDataException($"the training file has {n} image(s); at least 2 are needed (train and validation)");
        if (testImages.shape[0] < 1) throw new InvalidDataException("the test file has no images");
        int valid = validationSize ?? DefaultValidationSize(n);
        if (valid <= 0 || valid >= n)
            throw new ArgumentException($"--val-size: must be between 1 and {n - 1} for a training file of {n} images (got {valid})");

        this.trainImages = trainImages;
        this.trainLabels = trainLabels;
        this.testImages = testImages;
        this.testLabels = testLabels;
        Pixels = (int)trainImages.shape[1];
        permutation = permute ? FixedPermutation(Pixels) : null;

        using var split = SplitOrder(n, Pixels);
        int trainPart = n - valid;
        int trainCount = Math.Min(trainPart, limitTrain ?? int.MaxValue);
        trainIndices = split[..trainCount].clone();
        validIndices = split[trainPart..].clone();
        int testCount = (int)Math.Min(testImages.shape[0], limitTest ?? int.MaxValue);
        testIndices = arange(testCount, dtype: ScalarType.Int64);
    }

    /// <summary>Reads the IDX files of <paramref name="files"/>; see the constructor for the other arguments.</summary>
    public static SequentialMnist Load(IdxFilePaths files, bool permute, int? validationSize = null,
        int? limitTrain = null, int? limitTest = null)
    {
        var (trainX, trainY) = IdxTensors.ToTensors(files.ReadTrain(Classes));
        var (testX, testY) = IdxTensors.ToTensors(files.ReadTest(Classes));
        try
        {
            return new SequentialMnist(trainX, trainY, testX, testY, permute, validationSize, limitTrain, limitTest);
        }
        catch
        {
            foreach (var t in new[] { trainX, trainY, testX, testY }) t.Dispose();
            throw;
        }
    }

    /// <summary>Steps per sequence (rows·cols of the images; 784 for MNIST).</summary>
    public int Pixels { get; }

    public bool Permuted => permutation is not null;

    /// <summary>The pixel order (<c>x_t = image[Permutation[t]]</c>), or null without <c>--permute</c>.</summary>
    public Tensor? Permutation => permutation;

    public int TrainCount => (int)trainIndices.shape[0];

    public int ValidCount => (int)validIndices.shape[0];

    public int TestCount => (int)testIndices.shape[0];

    /// <summary>Rows of the training file used for training [TrainCount] (int64).</summary>
    public Tensor TrainIndices => trainIndices;

    /// <summary>Rows of the training file used for validation [ValidCount] (int64).</summary>
    public Tensor ValidIndices => validIndices;

    /// <summary>A sixth of the training file, at most <see cref="StandardValidationSize"/> (at least 1).</summary>
    public static int DefaultValidationSize(int trainFileCount) => Math.Max(1, Math.Min(StandardValidationSize, trainFileCount / 6));

    /// <summary>The fixed pixel permutation: numpy's <c>RandomState(1234).permutation(pixels)</c>.</summary>
    public static Tensor FixedPermutation(int pixels)
        => tensor(new NumpyRandomState(PermutationSeed).Permutation(pixels), dtype: ScalarType.Int64);

    /// <summary>
    /// The order that splits a training file of <paramref name="count"/> images: the generator's second
    /// draw, <c>permutation(count)</c>, after <c>permutation(pixels)</c> (sMNIST.py's R).
    /// </summary>
    public static Tensor SplitOrder(int count, int pixels)
    {
        var rng = new NumpyRandomState(PermutationSeed);
        rng.Permutation(pixels);
        return tensor(rng.Permutation(count), dtype: ScalarType.Int64);
    }

    /// <summary>
    /// Training batch from rows <paramref name="rows"/> of the training file: x [Pixels, B, 1]
    /// (time-major, permuted when <see cref="Permuted"/>), y [B] (int64).
    /// </summary>
    public (Tensor Input, Tensor Target) TrainingFileBatch(Tensor rows) => Batch(trainImages, trainLabels, rows);

    /// <summary>The test batch of rows <paramref name="rows"/> of the test file.</summary>
    public (Tensor Input, Tensor Target) TestFileBatch(Tensor rows) => Batch(testImages, testLabels, rows);

    /// <summary>The batches of a split in order (validation or test), <paramref name="batch"/> images each (the last may be smaller).</summary>
    public IEnumerable<(Tensor Input, Tensor Target)> Batches(SequentialMnistSplit split, int batch)
    {
        var (images, labels, indices) = split switch
        {
            SequentialMnistSplit.Train => (trainImages, trainLabels, trainIndices),
            SequentialMnistSplit.Validation => (trainImages, trainLabels, validIndices),
            SequentialMnistSplit.Test => (testImages, testLabels, testIndices),
            _ => throw new ArgumentOutOfRangeException(nameof(split)),
        };
        int count = (int)indices.shape[0];
        for (int start = 0; start < count; start += batch)
        {
            using var rows = indices[start..Math.Min(count, start + batch)];
            yield return Batch(images, labels, rows);
        }
    }

    private (Tensor, Tensor) Batch(Tensor images, Tensor labels, Tensor rows)
    {
        using var scope = NewDisposeScope();
        var x = images.index_select(0, rows);                            // [B, P]
        if (permutation is not null) x = x.index_select(1, permutation);
        var input = x.t().unsqueeze(2).contiguous();                     // [P, B, 1]
        var target = labels.index_select(0, rows);
        return (input.MoveToOuterDisposeScope(), target.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        foreach (var t in new[] { trainImages, trainLabels, testImages, testLabels, trainIndices, validIndices, testIndices })
            t.Dispose();
        permutation?.Dispose();
    }
}

/// <summary>The three parts of a sequential-MNIST dataset.</summary>
public enum SequentialMnistSplit
{
    Train,
    Validation,
    Test,
}
