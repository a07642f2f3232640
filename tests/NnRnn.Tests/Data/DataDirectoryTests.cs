using NnRnn.Experiments.Data;
using Xunit;

namespace NnRnn.Tests.Data;

public sealed class DataDirectoryTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void EnvironmentVariableWins()
    {
        Assert.Equal("/data/x", DataDirectory.DefaultRoot(Env(("NNRNN_DATA", "/data/x"), ("XDG_CACHE_HOME", "/c")), linux: true));
    }

    [Fact]
    public void LinuxUsesXdgCacheThenHomeCache()
    {
        Assert.Equal("/c/nnrnn", DataDirectory.DefaultRoot(Env(("XDG_CACHE_HOME", "/c"), ("HOME", "/h")), linux: true));
        Assert.Equal("/h/.cache/nnrnn", DataDirectory.DefaultRoot(Env(("XDG_CACHE_HOME", "relative"), ("HOME", "/h")), linux: true));
        Assert.Equal("/h/.cache/nnrnn", DataDirectory.DefaultRoot(Env(("HOME", "/h")), linux: true));
    }

    [Fact]
    public void OtherSystemsUseLocalApplicationData()
    {
        string expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "nnrnn");
        Assert.Equal(expected, DataDirectory.DefaultRoot(Env(("HOME", "/h")), linux: false));
    }

    [Fact]
    public void ExplicitPathOverridesTheDefault()
    {
        Assert.Equal(_dir.Path, new DataDirectory(_dir.Path).Root);
    }

    [Fact]
    public void MissingFileNamesItAndTheDownloadCommand()
    {
        var data = new DataDirectory(_dir.Path);
        var e = Assert.Throws<DataMissingException>(() => data.ResolveIdx("mnist"));
        Assert.Equal(
            $"mnist: missing train-images-idx3-ubyte.gz (or train-images-idx3-ubyte) in {_dir.Path}/mnist or {_dir.Path}; " +
            $"download it with: nnrnn data download mnist --dir {_dir.Path}", e.Message);
    }

    [Fact]
    public void AcceptsGzippedAndDecompressedNames()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_dir.Path, "mnist")).FullName;
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte" })
            File.WriteAllText(Path.Combine(folder, name), "");

        var paths = new DataDirectory(_dir.Path).ResolveIdx("mnist");

        Assert.Equal(Path.Combine(folder, "train-images-idx3-ubyte"), paths.TrainImages);
        Assert.Equal(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), paths.TrainLabels);
        Assert.Equal(Path.Combine(folder, "t10k-labels-idx1-ubyte"), paths.TestLabels);
    }

    [Fact]
    public void FindsFilesDirectlyInTheRootToo()
    {
        foreach (var name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
            File.WriteAllText(Path.Combine(_dir.Path, name), "");
        var paths = new DataDirectory(_dir.Path).ResolveIdx("mnist");
        Assert.Equal(Path.Combine(_dir.Path, "t10k-images-idx3-ubyte.gz"), paths.TestImages);
    }

    [Fact]
    public void FallsBackToSystemDirectories()
    {
        string system = Directory.CreateDirectory(Path.Combine(_dir.Path, "system")).FullName;
        File.WriteAllText(Path.Combine(system, "a.gz"), "");
        var spec = new DatasetSpec("fake", [], [new DataFile("a.gz", [])], SystemDirectories: [system]);

        var files = DataDirectory.WithFallbacks(Path.Combine(_dir.Path, "root")).ResolveFiles(spec);

        Assert.Equal(Path.Combine(system, "a.gz"), files["a.gz"]);
    }

    [Fact]
    public void MissingFashionMnistMentionsTheSystemDirectory()
    {
        var e = Assert.Throws<DataMissingException>(() => DataDirectory.WithFallbacks(_dir.Path).ResolveFiles(
            DatasetCatalog.FashionMnist with { SystemDirectories = [Path.Combine(_dir.Path, "nowhere")] }));
        Assert.Contains($"or {_dir.Path}/nowhere; download it with: nnrnn data download fashion-mnist --dir {_dir.Path}", e.Message);
    }

    [FactRequiresFile(TestData.FashionTrainImages)]
    public void FindsDebiansFashionMnist()
    {
        var paths = DataDirectory.WithFallbacks(_dir.Path).ResolveIdx("fashion-mnist");
        Assert.Equal(TestData.FashionTrainImages, paths.TrainImages);
    }

    [Fact]
    public void UnknownDatasetListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataDirectory(_dir.Path).ResolveFiles("cifar"));
        Assert.Contains("mnist, fashion-mnist, ptb", e.Message);
    }
}
