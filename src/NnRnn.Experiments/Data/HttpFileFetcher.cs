namespace NnRnn.Experiments.Data;

/// <summary>
/// Fetches one URL into a fresh temporary file next to its final place (same directory, so the
/// later rename is atomic), hashing while writing. On any failure the temporary file is deleted
/// and <see cref="FetchFailedException"/> says what went wrong, in one line.
/// </summary>
internal sealed class HttpFileFetcher(HttpClient http)
{
    /// <summary>Downloads <paramref name="url"/>; returns the temporary file and its hashes. The caller owns the file.</summary>
    public (string TempPath, FileHashes Hashes) Fetch(string url, string directory, string name, IReadOnlyList<Digest> expected)
    {
        string temp = TempPath(directory, name);
        try
        {
            var hashes = FetchTo(url, temp);
            if (expected.Count > 0 && !hashes.MatchesAny(expected)) throw new FetchFailedException(hashes.Mismatch(expected));
            return (temp, hashes);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A hidden, unique name in <paramref name="directory"/>; never the final name.</summary>
    public static string TempPath(string directory, string name) =>
        Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.part");

    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private FileHashes FetchTo(string url, string temp)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        HttpResponseMessage response;
        try
        {
            response = http.Send(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new FetchFailedException($"request failed: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            throw new FetchFailedException($"timed out after {http.Timeout.TotalSeconds:0} s");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new FetchFailedException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            long? length = response.Content.Headers.ContentLength;
            using var hasher = new FileHashes.Hasher();
            long received = 0;
            using (var body = response.Content.ReadAsStream())
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = ReadBody(body, buffer, received, length)) > 0)
                {
                    file.Write(buffer, 0, n);
                    hasher.Append(buffer.AsSpan(0, n));
                    received += n;
                }
                // Durable before the rename, so a crash cannot leave a short file under the final name.
                file.Flush(flushToDisk: true);
            }
            if (length is { } expectedLength && received != expectedLength)
                throw new FetchFailedException($"connection dropped after {received} of {expectedLength} bytes");
            return hasher.Finish();
        }
    }

    private static int ReadBody(Stream body, byte[] buffer, long received, long? length)
    {
        try
        {
            return body.Read(buffer);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            throw new FetchFailedException($"connection dropped after {received} of {length?.ToString() ?? "unknown"} bytes ({e.Message})");
        }
    }
}

/// <summary>One download attempt failed; the downloader may try another mirror.</summary>
internal sealed class FetchFailedException(string message) : Exception(DataException.OneLine(message));
