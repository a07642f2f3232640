namespace NnRnn.Tests.Data;

/// <summary>
/// Locations of real data used by the tests. "ptb/..." paths live under $NNRNN_TEST_DATA
/// (default: the shared/data folder beside the repository); absolute paths are used as they are.
/// </summary>
internal static class TestData
{
    public const string FashionDir = "/usr/share/datasets/fashion-mnist";
    public const string PtbValid = "ptb/ptb.char.valid.txt";
    public const string PtbTest = "ptb/ptb.char.test.txt";
    public const string FashionTrainImages = FashionDir + "/train-images-idx3-ubyte.gz";

    public static string Root =>
        Environment.GetEnvironmentVariable("NNRNN_TEST_DATA") is { Length: > 0 } root ? root : SharedBesideRepository();

    // The repository root holds NnRnn.slnx; the read-only shared/ folder sits next to it.
    private static string SharedBesideRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NnRnn.slnx")))
                return Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared", "data");
        return Path.Combine("..", "shared", "data");
    }

    public static string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(Root, path);
}
