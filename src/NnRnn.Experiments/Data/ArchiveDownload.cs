namespace NnRnn.Experiments.Data;

/// <summary>
/// Installs a dataset that ships inside one .tar.gz: fetch the archive to a temporary file,
/// extract the wanted members to temporary files, verify every one, and only then rename them
/// into place. The archive itself is deleted afterwards; only the extracted files are kept.
/// </summary>
internal sealed class ArchiveDownload(
    HttpFileFetcher fetcher, DatasetSpec spec, ArchiveSource archive, string dir,
    IReadOnlyDictionary<string, string> pins, TextWriter log)
{
    public void Run(IReadOnlyList<string> baseUrls)
    {
        bool allPresent = true;
        foreach (var file in spec.Files)   // no short-circuit: every file is checked and reported
            allPresent &= DatasetDownloader.CheckExisting(Final(file), DatasetDownloader.Expected(file, pins), log);
        if (allPresent) return;

        var failures = new List<string>();
        foreach (var baseUrl in baseUrls)
        {
            string url = DatasetDownloader.UrlOf(baseUrl, archive.Name);
            log.WriteLine($"{archive.Name}: downloading {url}");
            try
            {
                InstallFrom(url);
                return;
            }
            catch (FetchFailedException e)
            {
                failures.Add($"{url}: {e.Message}");
                log.WriteLine($"{archive.Name}: {url}: {e.Message}");
            }
        }
        throw DatasetDownloader.AllFailed($"{spec.Name}/{archive.Name}", failures);
    }

    private string Final(DataFile file) => Path.Combine(dir, file.Name);

    private IReadOnlyList<Digest> ArchiveExpected() =>
        pins.TryGetValue(archive.Name, out var pinned) ? [Digest.Sha256(pinned, "pinned")]
        : archive.Sha256 is { } known ? [Digest.Sha256(known, "catalog")]
        : [];

    private void InstallFrom(string url)
    {
        var archiveExpected = ArchiveExpected();
        var (archivePath, archiveHashes) = fetcher.Fetch(url, dir, archive.Name, archiveExpected);
        var temps = spec.Files.ToDictionary(f => f, f => HttpFileFetcher.TempPath(dir, f.Name));
        try
        {
            LogHash(archive.Name, archiveHashes, archiveExpected.Count > 0);
            IReadOnlyList<string> missing;
            try
            {
                missing = TgzExtractor.Extract(archivePath,
                    temps.ToDictionary(kv => archive.MemberDirectory + kv.Key.Name, kv => kv.Value));
            }
            catch (InvalidDataException e)
            {
                throw new FetchFailedException($"not a valid .tar.gz: {e.Message}");
            }
            if (missing.Count > 0) throw new FetchFailedException($"the archive lacks {string.Join(", ", missing)}");

            var hashes = new Dictionary<DataFile, FileHashes>();
            foreach (var (file, temp) in temps)
            {
                var expected = DatasetDownloader.Expected(file, pins);
                var h = FileHashes.Of(temp);
                if (expected.Count > 0 && !h.MatchesAny(expected))
                    throw new FetchFailedException($"{archive.MemberDirectory}{file.Name} in the archive: {h.Mismatch(expected)}");
                hashes[file] = h;
            }
            foreach (var (file, temp) in temps)
            {
                File.Move(temp, Final(file), overwrite: true);
                LogHash(file.Name, hashes[file], DatasetDownloader.Expected(file, pins).Count > 0);
            }
        }
        finally
        {
            HttpFileFetcher.TryDelete(archivePath);
            foreach (var temp in temps.Values) HttpFileFetcher.TryDelete(temp);
        }
    }

    private void LogHash(string name, FileHashes hashes, bool verified) =>
        log.WriteLine(verified
            ? $"{name}: ok, checksum verified"
            : $"{name}: ok, sha256 {hashes.Sha256} (no published checksum known; pin this value to verify future downloads)");
}
