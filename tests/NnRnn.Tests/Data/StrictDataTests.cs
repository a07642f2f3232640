using System.Text;
using NnRnn.Experiments.Data;
using Xunit;

namespace NnRnn.Tests.Data;

/// <summary>
/// A given --data-dir is the only place read, files of one dataset come from one place, MNIST-family
/// images are 28×28 and PTB text is UTF-8: each violation is one stderr line, a non-zero exit code
/// and no run directory.
/// </summary>
public sealed class StrictDataTests : IDisposable
{
    private static readonly string[] MnistFiles =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>An MNIST folder with <paramref name="count"/> images of side×side per split.</summary>
    private string Mnist(string folder, int side, int count = 20, params string[] only)
    {
        var path = Directory.CreateDirectory(Path.Combine(dir.Path, folder)).FullName;
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        foreach (var name in only.Length > 0 ? only : MnistFiles)
            File.WriteAllBytes(Path.Combine(path, name), name.Contains("images") ? IdxTestFiles.Images(count, side, side) : IdxTestFiles.Labels(labels));
        return path;
    }

    private static string OneErrorLine(int code, string stderr)
    {
        Assert.NotEqual(0, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("nnrnn: error:", lines[0]);
        Assert.DoesNotContain("   at ", stderr);
        return lines[0];
    }

    private string RunPsmnist(string dataDir, string run, string dataset = "mnist")
    {
        var (code, _, stderr) = TestSupport.RunCli("psmnist", "--dataset", dataset, "--data-dir", dataDir, "--out", run, "--nhid", "8", "--epochs", "1");
        var line = OneErrorLine(code, stderr);
        Assert.False(Directory.Exists(run), "no run directory is left behind");
        return line;
    }

    [Fact]
    public void A_data_dir_that_does_not_exist_is_an_error_not_a_fallback()
    {
        var missing = Path.Combine(dir.Path, "nowhere");
        var line = RunPsmnist(missing, dir.File("run"), "fashion-mnist");
        Assert.Contains(missing, line);
        Assert.Contains("no such directory", line);
        Assert.DoesNotContain("/usr/share", line);
        Assert.False(Directory.Exists(missing), "the missing directory is not created");
    }

    [Fact]
    public void Only_training_files_name_the_missing_test_file()
    {
        var root = Mnist("only-train", 28, only: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"]);
        var line = RunPsmnist(root, dir.File("run"));
        Assert.Contains("t10k-images-idx3-ubyte", line);
        Assert.Contains("not mixed", line);
    }

    [Fact]
    public void An_explicit_root_never_reads_the_system_directories()
    {
        var system = Mnist("system", 28);
        var root = Mnist("given", 28, only: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"]);
        var spec = DatasetCatalog.Mnist with { SystemDirectories = [system] };
        var e = Assert.Throws<DataMissingException>(() => new DataDirectory(root).ResolveFiles(spec));
        Assert.DoesNotContain(system, e.Message);
        // The default root may fall back, but takes every file from one place.
        var files = DataDirectory.WithFallbacks(root).ResolveFiles(spec);
        Assert.All(files.Values, f => Assert.Equal(system, Path.GetDirectoryName(f)));
    }

    [Fact]
    public void Files_split_between_the_dataset_folder_and_the_root_are_not_mixed()
    {
        var root = Mnist("root", 28, only: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]);
        Mnist(Path.Combine("root", "mnist"), 28, only: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"]);
        var e = Assert.Throws<DataMissingException>(() => new DataDirectory(root).ResolveIdx("mnist"));
        Assert.Contains("t10k-images-idx3-ubyte", e.Message);
    }

    [Theory]
    [InlineData(27)]
    [InlineData(1)]
    [InlineData(56)]
    public void Mnist_images_must_be_28_by_28(int side)
    {
        var root = Mnist($"side{side}", side);
        var line = RunPsmnist(root, dir.File("run"));
        Assert.Contains("train-images-idx3-ubyte", line);
        Assert.Contains($"{side}x{side}", line);
        Assert.Contains("28x28", line);
    }

    [Fact]
    public void Twenty_eight_by_twenty_eight_images_are_read()
    {
        var root = Mnist("good", 28);
        var data = new DataDirectory(root).ResolveIdx("mnist").ReadTrain();
        Assert.Equal((20, 28, 28), (data.Images.Count, data.Images.Rows, data.Images.Cols));
    }

    /// <summary>A PTB folder whose valid file has an invalid byte on <paramref name="badLine"/>.</summary>
    private string PtbWithBadByte(byte[] bad, int badLine)
    {
        var path = Directory.CreateDirectory(Path.Combine(dir.Path, "ptb-bad")).FullName;
        var text = string.Concat(Enumerable.Range(0, 30).Select(i => "t h e _ c a t _ s a t _ o n _ a _ m a t\n"));
        foreach (var part in new[] { "train", "valid", "test" })
            File.WriteAllText(Path.Combine(path, $"{part}.txt"), text);
        var lines = File.ReadAllLines(Path.Combine(path, "valid.txt")).Select(l => Encoding.UTF8.GetBytes(l + "\n")).ToList();
        lines[badLine - 1] = [.. Encoding.UTF8.GetBytes("t h e "), .. bad, .. Encoding.UTF8.GetBytes(" c a t\n")];
        File.WriteAllBytes(Path.Combine(path, "valid.txt"), lines.SelectMany(b => b).ToArray());
        return path;
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, 7)]
    [InlineData(new byte[] { 0xC3 }, 1)]              // a lead byte without its continuation
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 30)] // an encoded surrogate
    public void Ptb_text_must_be_utf8_and_the_error_names_file_and_line(byte[] bad, int line)
    {
        var data = PtbWithBadByte(bad, line);
        var run = dir.File("run");
        var (code, _, stderr) = TestSupport.RunCli("ptb", "--data-dir", data, "--out", run, "--nhid", "8", "--emsize", "4", "--epochs", "1", "--bptt", "10");
        var message = OneErrorLine(code, stderr);
        Assert.Contains($"{Path.Combine(data, "valid.txt")}:{line}:", message);
        Assert.Contains("invalid UTF-8", message);
        Assert.False(Directory.Exists(run), "no run directory is left behind");
    }

    [Fact]
    public void Valid_utf8_with_a_byte_order_mark_reads_as_before()
    {
        var path = dir.File("bom.txt");
        File.WriteAllBytes(path, [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes("é a\nb\n")]);
        Assert.Equal("é a\nb\n", StrictUtf8.ReadAllText(path));
    }
}
