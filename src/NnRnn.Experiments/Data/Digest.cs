namespace NnRnn.Experiments.Data;

public enum DigestKind { Sha256, Md5 }

/// <summary>
/// One accepted checksum of a file, with where it comes from (shown in mismatch errors so the
/// user can judge which copy of the data they have).
/// </summary>
public sealed record Digest(DigestKind Kind, string Hex, string Source)
{
    public static Digest Sha256(string hex, string source) => new(DigestKind.Sha256, hex.ToLowerInvariant(), source);
    public static Digest Md5(string hex, string source) => new(DigestKind.Md5, hex.ToLowerInvariant(), source);

    public override string ToString() => $"{(Kind == DigestKind.Sha256 ? "sha256" : "md5")} {Hex} ({Source})";
}
