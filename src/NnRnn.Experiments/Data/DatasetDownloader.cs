namespace NnRnn.Experiments.Data;

/// <summary>
/// Downloads a dataset's files and verifies them. A file only ever appears under its final name
/// after its checksum matched (temporary file + rename); files already present with a matching
/// checksum are kept without any request; mirrors are tried in order.
/// </summary>
public sealed class DatasetDownloader : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly HttpFileFetcher _fetcher;

    /// <param name="http">Injected by tests (e.g. without proxy); by default a client of our own.</param>
    public DatasetDownloader(HttpClient? http = null)
    {
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        _fetcher = new HttpFileFetcher(_http);
    }

    /// <summary>
    /// Downloads a catalog dataset into <c>dir/&lt;dataset&gt;</c> (<paramref name="dir"/> is the data
    /// root, the same directory <see cref="DataDirectory"/> searches) and returns that folder.
    /// </summary>
    /// <param name="baseUrl">Replaces the catalog's mirrors when given.</param>
    /// <param name="pinnedSha256">File name → SHA-256 the user requires (replaces the catalog's checksums for that file).</param>
    public string Download(string dataset, string dir, string? baseUrl, TextWriter log,
        IReadOnlyDictionary<string, string>? pinnedSha256 = null)
    {
        var spec = DatasetCatalog.Get(dataset);
        string target = Path.Combine(dir, spec.Name);
        Download(spec, target, baseUrl is null ? spec.BaseUrls : [baseUrl], log, pinnedSha256);
        return target;
    }

    /// <summary>Downloads the files of <paramref name="spec"/> straight into <paramref name="targetDir"/>.</summary>
    public void Download(DatasetSpec spec, string targetDir, IReadOnlyList<string> baseUrls, TextWriter log,
        IReadOnlyDictionary<string, string>? pinnedSha256 = null)
    {
        if (baseUrls.Count == 0) throw new ArgumentException($"{spec.Name}: no base URL to download from");
        var pins = pinnedSha256 ?? new Dictionary<string, string>();
        foreach (var key in pins.Keys)
            if (key != spec.Archive?.Name && spec.Files.All(f => f.Name != key))
                throw new ArgumentException($"{spec.Name}: a checksum is pinned for '{key}', which is not one of its files");
        Directory.CreateDirectory(targetDir);
        if (spec.Archive is null)
            foreach (var file in spec.Files) DownloadFile(spec, file, targetDir, baseUrls, log, Expected(file, pins));
        else
            new ArchiveDownload(_fetcher, spec, spec.Archive, targetDir, pins, log).Run(baseUrls);
    }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    internal static IReadOnlyList<Digest> Expected(DataFile file, IReadOnlyDictionary<string, string> pins) =>
        pins.TryGetValue(file.Name, out var sha) ? [Digest.Sha256(sha, "pinned")] : file.Digests;

    internal static string UrlOf(string baseUrl, string name) => baseUrl.EndsWith('/') ? baseUrl + name : $"{baseUrl}/{name}";

    /// <summary>
    /// True when the file is present and acceptable. A present file with a wrong checksum is deleted
    /// (it is useless, and must not be mistaken for the real file if the new download fails).
    /// </summary>
    internal static bool CheckExisting(string path, IReadOnlyList<Digest> expected, TextWriter log)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path)) return false;
        var hashes = FileHashes.Of(path);
        if (expected.Count == 0)
        {
            log.WriteLine($"{name}: present, sha256 {hashes.Sha256} (no known checksum; not verified)");
            return true;
        }
        if (hashes.MatchesAny(expected))
        {
            log.WriteLine($"{name}: present, checksum ok");
            return true;
        }
        log.WriteLine($"{name}: present but {hashes.Mismatch(expected)}; deleting it and downloading again");
        File.Delete(path);
        return false;
    }

    internal static DataDownloadException AllFailed(string name, IReadOnlyList<string> failures) =>
        new(failures.Count == 1
            ? $"{name}: download failed: {failures[0]}"
            : $"{name}: download failed from every mirror: {string.Join("; ", failures)}");

    private void DownloadFile(DatasetSpec spec, DataFile file, string dir, IReadOnlyList<string> baseUrls, TextWriter log,
        IReadOnlyList<Digest> expected)
    {
        string final = Path.Combine(dir, file.Name);
        if (CheckExisting(final, expected, log)) return;
        var failures = new List<string>();
        foreach (var baseUrl in baseUrls)
        {
            string url = UrlOf(baseUrl, file.Name);
            log.WriteLine($"{file.Name}: downloading {url}");
            try
            {
                var (temp, hashes) = _fetcher.Fetch(url, dir, file.Name, expected);
                try { File.Move(temp, final, overwrite: true); }
                finally { HttpFileFetcher.TryDelete(temp); }
                log.WriteLine(expected.Count > 0
                    ? $"{file.Name}: ok, checksum verified"
                    : $"{file.Name}: ok, sha256 {hashes.Sha256} (no published checksum known; pin this value to verify future downloads)");
                return;
            }
            catch (FetchFailedException e)
            {
                failures.Add($"{url}: {e.Message}");
                log.WriteLine($"{file.Name}: {url}: {e.Message}");
            }
        }
        throw AllFailed($"{spec.Name}/{file.Name}", failures);
    }
}
