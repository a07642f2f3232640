using System.Security.Cryptography;

namespace NnRnn.Experiments.Data;

/// <summary>
/// The SHA-256 and MD5 of some bytes (both are computed in one pass: MD5 is cheap and some
/// publishers only give MD5).
/// </summary>
public sealed record FileHashes(string Sha256, string Md5)
{
    public static FileHashes Of(string path)
    {
        using var file = File.OpenRead(path);
        using var hasher = new Hasher();
        var buffer = new byte[1 << 16];
        int n;
        while ((n = file.Read(buffer)) > 0) hasher.Append(buffer.AsSpan(0, n));
        return hasher.Finish();
    }

    public bool Matches(Digest digest) => digest.Kind switch
    {
        DigestKind.Sha256 => string.Equals(digest.Hex, Sha256, StringComparison.OrdinalIgnoreCase),
        DigestKind.Md5 => string.Equals(digest.Hex, Md5, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    public bool MatchesAny(IReadOnlyList<Digest> digests) => digests.Any(Matches);

    /// <summary>The one-line "expected ..., got ..." text of a mismatch.</summary>
    public string Mismatch(IReadOnlyList<Digest> expected)
    {
        string got = expected.Any(d => d.Kind == DigestKind.Md5) ? $"sha256 {Sha256}, md5 {Md5}" : $"sha256 {Sha256}";
        return $"checksum mismatch: expected {string.Join(" or ", expected)}, got {got}";
    }

    /// <summary>Incremental hashing, so a download is hashed while it is written.</summary>
    public sealed class Hasher : IDisposable
    {
        private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);

        public void Append(ReadOnlySpan<byte> data)
        {
            _sha.AppendData(data);
            _md5.AppendData(data);
        }

        public FileHashes Finish() =>
            new(Convert.ToHexStringLower(_sha.GetHashAndReset()), Convert.ToHexStringLower(_md5.GetHashAndReset()));

        public void Dispose()
        {
            _sha.Dispose();
            _md5.Dispose();
        }
    }
}
