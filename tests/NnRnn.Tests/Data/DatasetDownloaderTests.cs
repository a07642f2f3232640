using System.Security.Cryptography;
using System.Text;
using NnRnn.Experiments.Data;
using Xunit;

namespace NnRnn.Tests.Data;

public sealed class DatasetDownloaderTests : IDisposable
{
    private static readonly byte[] A = Encoding.ASCII.GetBytes("first fake file\n");
    private static readonly byte[] B = RandomNumberGenerator.GetBytes(200_000);

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

    private static DatasetSpec Spec(params string[] baseUrls) => new("fake", baseUrls,
    [
        new DataFile("a.gz", [Sha256(A)]),
        new DataFile("b.gz", [Sha256(B)]),
    ]);

    private static Digest Sha256(byte[] bytes) => Digest.Sha256(Convert.ToHexStringLower(SHA256.HashData(bytes)), "test");

    private void Download(DatasetSpec spec)
    {
        using var downloader = new DatasetDownloader(_http);
        downloader.Download(spec, _dir.Path, spec.BaseUrls, _log);
    }

    [Fact]
    public void DownloadsAndVerifiesEveryFile()
    {
        _server.Serve("d/a.gz", A);
        _server.Serve("d/b.gz", B);

        Download(Spec(_server.Url("d/")));

        Assert.Equal(["a.gz", "b.gz"], _dir.Names());
        Assert.Equal(A, File.ReadAllBytes(_dir.File("a.gz")));
        Assert.Equal(B, File.ReadAllBytes(_dir.File("b.gz")));
    }

    [Fact]
    public void SecondRunMakesNoRequest()
    {
        _server.Serve("d/a.gz", A);
        _server.Serve("d/b.gz", B);
        var spec = Spec(_server.Url("d/"));
        Download(spec);
        int requests = _server.Requests.Length;

        Download(spec);

        Assert.Equal(requests, _server.Requests.Length);
        Assert.Contains("a.gz: present, checksum ok", _log.ToString());
    }

    [Fact]
    public void ExistingFileWithWrongChecksumIsReplaced()
    {
        _server.Serve("d/a.gz", A);
        _server.Serve("d/b.gz", B);
        File.WriteAllText(_dir.File("a.gz"), "stale");
        File.WriteAllBytes(_dir.File("b.gz"), B);

        Download(Spec(_server.Url("d/")));

        Assert.Equal(A, File.ReadAllBytes(_dir.File("a.gz")));
        Assert.Equal(["/d/a.gz"], _server.Requests);
    }

    [Fact]
    public void CorruptPayloadLeavesNothingBehind()
    {
        _server.Serve("d/a.gz", Encoding.ASCII.GetBytes("first fake filE\n"));
        var spec = Spec(_server.Url("d/"));

        var e = Assert.Throws<DataDownloadException>(() => Download(spec));

        Assert.Contains("a.gz", e.Message);
        Assert.Contains(_server.Url("d/a.gz"), e.Message);
        Assert.Contains($"expected sha256 {spec.Files[0].Digests[0].Hex}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(_dir.Names());
    }

    [Fact]
    public void DroppedConnectionLeavesNothingBehind()
    {
        _server.ServeDropped("d/a.gz", A, sent: 5);
        var spec = Spec(_server.Url("d/"));

        var e = Assert.Throws<DataDownloadException>(() => Download(spec));

        Assert.Contains(_server.Url("d/a.gz"), e.Message);
        Assert.Contains("connection dropped after 5 of 16 bytes", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(_dir.Names());
    }

    [Fact]
    public void FallsBackToTheNextMirror()
    {
        // mirror 1: a.gz missing (404), b.gz corrupt; mirror 2 has both.
        _server.Serve("m1/b.gz", A);
        _server.Serve("m2/a.gz", A);
        _server.Serve("m2/b.gz", B);

        Download(Spec(_server.Url("m1/"), _server.Url("m2/")));

        Assert.Equal(["a.gz", "b.gz"], _dir.Names());
        Assert.Equal(["/m1/a.gz", "/m2/a.gz", "/m1/b.gz", "/m2/b.gz"], _server.Requests);
        Assert.Contains("HTTP 404", _log.ToString());
    }

    [Fact]
    public void WhenEveryMirrorFailsTheErrorListsEach()
    {
        var spec = Spec(_server.Url("m1/"), _server.Url("m2/"));
        var e = Assert.Throws<DataDownloadException>(() => Download(spec));
        Assert.Contains("every mirror", e.Message);
        Assert.Contains(_server.Url("m1/a.gz") + ": HTTP 404", e.Message);
        Assert.Contains(_server.Url("m2/a.gz") + ": HTTP 404", e.Message);
        Assert.Empty(_dir.Names());
    }

    [Fact]
    public void UnverifiableFileIsKeptAndItsHashPrinted()
    {
        _server.Serve("a.gz", A);
        var spec = new DatasetSpec("fake", [_server.Url()], [new DataFile("a.gz", [])]);

        Download(spec);

        Assert.Contains($"sha256 {Sha256(A).Hex}", _log.ToString());
        Assert.True(File.Exists(_dir.File("a.gz")));
    }

    [Fact]
    public void CatalogDatasetGoesIntoItsFolderUnderTheRoot()
    {
        // The real catalog entry, served from here: only the checksum of the first file can fail.
        _server.Serve(DatasetCatalog.TrainImages, A);
        using var downloader = new DatasetDownloader(_http);

        var e = Assert.Throws<DataDownloadException>(() => downloader.Download("mnist", _dir.Path, _server.Url(), _log));

        Assert.StartsWith($"mnist/{DatasetCatalog.TrainImages}: download failed: {_server.Url(DatasetCatalog.TrainImages)}: checksum mismatch: expected sha256 440fcabf", e.Message);
        Assert.True(Directory.Exists(Path.Combine(_dir.Path, "mnist")));
        Assert.Empty(_dir.Names());
    }

    [Fact]
    public void UnknownPinIsRejected()
    {
        using var downloader = new DatasetDownloader(_http);
        Assert.Throws<ArgumentException>(() => downloader.Download(Spec(_server.Url()), _dir.Path, [_server.Url()], _log,
            new Dictionary<string, string> { ["c.gz"] = "00" }));
    }
}
