using NnRnn.Tests.Data;
using Xunit;

namespace NnRnn.Tests;

/// <summary><c>nnrnn data download</c> against a local HTTP server serving the PTB archive.</summary>
public class DataCommandTests
{
    [FactRequiresFile(TestData.PtbValid)]
    public void Downloads_ptb_into_the_data_directory_and_is_idempotent()
    {
        var valid = File.ReadAllBytes(TestData.Resolve(TestData.PtbValid));
        var test = File.ReadAllBytes(TestData.Resolve(TestData.PtbTest));
        var archive = TgzBuilder.Build(new[]
        {
            ("./simple-examples/data/ptb.char.train.txt", valid[..5000]),
            ("./simple-examples/data/ptb.char.valid.txt", valid),
            ("./simple-examples/data/ptb.char.test.txt", test),
        });
        using var server = new FakeHttpServer();
        server.Serve("simple-examples.tgz", archive);
        var root = TestSupport.TempDir();
        try
        {
            var (code, stdout, stderr) = TestSupport.RunCli("data", "download", "ptb", "--dir", root, "--base-url", server.Url());
            Assert.True(code == 0, stderr);
            Assert.Contains("ready in", stdout);
            foreach (var f in new[] { "ptb.char.train.txt", "ptb.char.valid.txt", "ptb.char.test.txt" })
                Assert.True(File.Exists(Path.Combine(root, "ptb", f)), f);
            int requests = server.Requests.Length;
            Assert.Equal(0, TestSupport.RunCli("data", "download", "ptb", "--dir", root, "--base-url", server.Url()).Code);
            Assert.Equal(requests, server.Requests.Length);
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }

    [Fact]
    public void A_corrupt_payload_fails_with_exit_1_and_leaves_nothing()
    {
        using var server = new FakeHttpServer();
        server.Serve("train-images-idx3-ubyte.gz", new byte[] { 1, 2, 3 });
        var root = TestSupport.TempDir();
        try
        {
            var (code, _, stderr) = TestSupport.RunCli("data", "download", "mnist", "--dir", root, "--base-url", server.Url());
            Assert.Equal(1, code);
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("train-images-idx3-ubyte.gz", stderr);
            Assert.Empty(Directory.Exists(Path.Combine(root, "mnist")) ? Directory.GetFiles(Path.Combine(root, "mnist"), "*", SearchOption.AllDirectories) : Array.Empty<string>());
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }

    [Fact]
    public void Bad_arguments_are_usage_errors()
    {
        Assert.Equal(2, TestSupport.RunCli("data", "download", "cifar").Code);
        Assert.Equal(2, TestSupport.RunCli("data", "download", "mnist", "--base-url", "not a url").Code);
        Assert.Equal(2, TestSupport.RunCli("data", "download", "ptb", "--sha256", "x=12").Code);
    }
}
