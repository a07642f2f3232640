namespace NnRnn.Experiments.Data;

/// <summary>
/// The datasets the toolkit knows, with their sources and checksums (facts from REFERENCE.md,
/// "Data sources and checksums", and from inspecting Debian's dataset-fashion-mnist package).
/// </summary>
public static class DatasetCatalog
{
    public const string TrainImages = "train-images-idx3-ubyte.gz";
    public const string TrainLabels = "train-labels-idx1-ubyte.gz";
    public const string TestImages = "t10k-images-idx3-ubyte.gz";
    public const string TestLabels = "t10k-labels-idx1-ubyte.gz";

    public const string PtbTrain = "ptb.char.train.txt";
    public const string PtbValid = "ptb.char.valid.txt";
    public const string PtbTest = "ptb.char.test.txt";

    /// <summary>MNIST from the mirrors TensorFlow and PyTorch use (Yann LeCun's site is no longer reliable).</summary>
    public static DatasetSpec Mnist { get; } = new(
        "mnist",
        ["https://storage.googleapis.com/cvdf-datasets/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"],
        [
            Idx(TrainImages, 9_912_422, Digest.Sha256("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", "REFERENCE.md")),
            Idx(TrainLabels, 28_881, Digest.Sha256("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", "REFERENCE.md")),
            Idx(TestImages, 1_648_877, Digest.Sha256("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", "REFERENCE.md")),
            Idx(TestLabels, 4_542, Digest.Sha256("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", "REFERENCE.md")),
        ]);

    /// <summary>
    /// Fashion-MNIST. The SHA-256 values are of the .gz files Debian's dataset-fashion-mnist
    /// installs (verified with sha256sum). Debian recompressed them: their MD5s differ from the MD5s
    /// upstream's README publishes for the S3 downloads, so a download from upstream can only be
    /// checked against those MD5s; either kind of copy is accepted.
    /// </summary>
    public static DatasetSpec FashionMnist { get; } = new(
        "fashion-mnist",
        ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
        [
            Idx(TrainImages, null,
                Digest.Sha256("b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7", Debian),
                Digest.Md5("8d4fb7e6c68d591d4c3dfef9ec88bf0d", Upstream)),
            Idx(TrainLabels, null,
                Digest.Sha256("0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056", Debian),
                Digest.Md5("25c81989df183df01b3e8a0aad5dffbe", Upstream)),
            Idx(TestImages, null,
                Digest.Sha256("cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa", Debian),
                Digest.Md5("bef4ecab320f06d8554ea6380940ec79", Upstream)),
            Idx(TestLabels, null,
                Digest.Sha256("8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05", Debian),
                Digest.Md5("bb300cfdad3c16e7a12a480ee83cd310", Upstream)),
        ],
        SystemDirectories: ["/usr/share/datasets/fashion-mnist"]);

    /// <summary>
    /// PTB characters from Mikolov's simple-examples.tgz. Only valid and test have known checksums;
    /// the archive and the train file are reported by SHA-256 for the user to pin.
    /// </summary>
    public static DatasetSpec Ptb { get; } = new(
        "ptb",
        ["http://www.fit.vutbr.cz/~imikolov/rnnlm/"],
        [
            new DataFile(PtbTrain, [], null, ["train.txt"]),
            new DataFile(PtbValid, [Digest.Sha256("21661f63ec355085879458b6524644d4add5573541b4be14fb52ab2e2e995eb8", "REFERENCE.md")],
                786_084, ["valid.txt"]),
            new DataFile(PtbTest, [Digest.Sha256("1ef5607ac3c463b16e38bfe7900dd3bfc91de5a96e0f21e7eab5188b465b8ebe", "REFERENCE.md")],
                884_846, ["test.txt"]),
        ],
        Archive: new ArchiveSource("simple-examples.tgz", "simple-examples/data/"));

    public static IReadOnlyList<DatasetSpec> All { get; } = [Mnist, FashionMnist, Ptb];

    /// <summary>The dataset of that name (case-insensitive); the error lists the known names.</summary>
    public static DatasetSpec Get(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown dataset '{name}' (known: {string.Join(", ", All.Select(d => d.Name))})");

    private const string Debian = "Debian dataset-fashion-mnist";
    private const string Upstream = "upstream README md5";

    // The decompressed IDX name is accepted on disk too (some users gunzip the files).
    private static DataFile Idx(string name, long? size, params Digest[] digests) =>
        new(name, digests, size, [name[..^".gz".Length]]);
}
