namespace NnRnn.Experiments.Data;

/// <summary>
/// One file of a dataset. A file is accepted when it matches ANY of <see cref="Digests"/>
/// (different distributors compress the same data differently); with no digest it cannot be
/// verified and the downloader prints its SHA-256 so the user can pin it.
/// <see cref="AlternateNames"/> are other names the file may have on disk (e.g. decompressed).
/// </summary>
public sealed record DataFile(string Name, IReadOnlyList<Digest> Digests, long? Size = null, IReadOnlyList<string>? AlternateNames = null)
{
    public IReadOnlyList<string> AllNames => [Name, .. AlternateNames ?? []];
}
