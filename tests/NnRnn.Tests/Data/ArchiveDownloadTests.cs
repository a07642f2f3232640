using System.Security.Cryptography;
using System.Text;
using NnRnn.Experiments.Data;
using Xunit;

namespace NnRnn.Tests.Data;

public sealed class ArchiveDownloadTests : IDisposable
{
    private static readonly byte[] Train = Encoding.ASCII.GetBytes(" a b _ c \n b a \n");
    private static readonly byte[] Valid = Encoding.ASCII.GetBytes(" a _ b \n");
    private static readonly byte[] Test = Encoding.ASCII.GetBytes(" c \n");

    private readonly TempDir _dir = new();
    private readonly FakeHttpServer _server = new();
    private readonly HttpClient _http = FakeHttpServer.Client();
    private readonly StringWriter _log = new();

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
        _dir.Dispose();
    }

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    /// <summary>The catalog's PTB layout, with checksums of the small fake files.</summary>
    private DatasetSpec Spec(byte[]? validDigestOf = null) => DatasetCatalog.Ptb with
    {
        BaseUrls = [_server.Url()],
        Files =
        [
            new DataFile(DatasetCatalog.PtbTrain, []),
            new DataFile(DatasetCatalog.PtbValid, [Digest.Sha256(Sha(validDigestOf ?? Valid), "test")]),
            new DataFile(DatasetCatalog.PtbTest, [Digest.Sha256(Sha(Test), "test")]),
        ],
    };

    private static byte[] Archive(bool withTest = true) => TgzBuilder.Build(
    [
        ("./simple-examples/data/ptb.train.txt", Encoding.ASCII.GetBytes("word level, not wanted\n")),
        ("./simple-examples/data/ptb.char.train.txt", Train),
        ("./simple-examples/data/ptb.char.valid.txt", Valid),
        .. withTest ? [("./simple-examples/data/ptb.char.test.txt", Test)] : Array.Empty<(string, byte[])>(),
    ]);

    private void Download(DatasetSpec spec, IReadOnlyDictionary<string, string>? pins = null)
    {
        using var downloader = new DatasetDownloader(_http);
        downloader.Download(spec, _dir.Path, spec.BaseUrls, _log, pins);
    }

    [Fact]
    public void ExtractsTheThreeCharacterFilesAndPrintsUnverifiedHashes()
    {
        var archive = Archive();
        _server.Serve("simple-examples.tgz", archive);

        Download(Spec());

        Assert.Equal([DatasetCatalog.PtbTest, DatasetCatalog.PtbTrain, DatasetCatalog.PtbValid], _dir.Names());
        Assert.Equal(Train, File.ReadAllBytes(_dir.File(DatasetCatalog.PtbTrain)));
        string log = _log.ToString();
        Assert.Contains($"simple-examples.tgz: ok, sha256 {Sha(archive)}", log);
        Assert.Contains($"{DatasetCatalog.PtbTrain}: ok, sha256 {Sha(Train)}", log);
    }

    [Fact]
    public void SecondRunMakesNoRequest()
    {
        _server.Serve("simple-examples.tgz", Archive());
        Download(Spec());
        Download(Spec());
        Assert.Single(_server.Requests);
    }

    [Fact]
    public void PinnedChecksumsAreEnforced()
    {
        var archive = Archive();
        _server.Serve("simple-examples.tgz", archive);
        var pins = new Dictionary<string, string> { ["simple-examples.tgz"] = Sha(archive), [DatasetCatalog.PtbTrain] = Sha(Valid) };

        var e = Assert.Throws<DataDownloadException>(() => Download(Spec(), pins));

        Assert.Contains($"simple-examples/data/{DatasetCatalog.PtbTrain} in the archive: checksum mismatch: expected sha256 {Sha(Valid)}", e.Message);
        Assert.Empty(_dir.Names());
    }

    [Fact]
    public void MemberWithWrongChecksumLeavesNothingBehind()
    {
        _server.Serve("simple-examples.tgz", Archive());
        var e = Assert.Throws<DataDownloadException>(() => Download(Spec(validDigestOf: Test)));
        Assert.Contains(DatasetCatalog.PtbValid, e.Message);
        Assert.Empty(_dir.Names());
    }

    [Fact]
    public void MissingMemberIsNamed()
    {
        _server.Serve("simple-examples.tgz", Archive(withTest: false));
        var e = Assert.Throws<DataDownloadException>(() => Download(Spec()));
        Assert.Contains($"the archive lacks simple-examples/data/{DatasetCatalog.PtbTest}", e.Message);
        Assert.Empty(_dir.Names());
    }

    [Fact]
    public void NonArchiveIsAnError()
    {
        _server.Serve("simple-examples.tgz", Encoding.ASCII.GetBytes("<html>moved</html>"));
        var e = Assert.Throws<DataDownloadException>(() => Download(Spec()));
        Assert.Contains("not a valid .tar.gz", e.Message);
        Assert.Empty(_dir.Names());
    }

    [FactRequiresFile(TestData.PtbValid)]
    public void RealValidAndTestFilesPassTheCatalogChecksums()
    {
        var valid = File.ReadAllBytes(TestData.Resolve(TestData.PtbValid));
        var test = File.ReadAllBytes(TestData.Resolve(TestData.PtbTest));
        _server.Serve("simple-examples.tgz", TgzBuilder.Build(
        [
            ("./simple-examples/data/ptb.char.train.txt", Train),
            ("./simple-examples/data/ptb.char.valid.txt", valid),
            ("./simple-examples/data/ptb.char.test.txt", test),
        ]));
        using var downloader = new DatasetDownloader(_http);

        string folder = downloader.Download("ptb", _dir.Path, _server.Url(), _log);

        Assert.Equal(Path.Combine(_dir.Path, "ptb"), folder);
        Assert.Equal(test, File.ReadAllBytes(Path.Combine(folder, DatasetCatalog.PtbTest)));
    }
}
