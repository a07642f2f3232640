namespace NnRnn.Experiments.Data;

/// <summary>
/// A dataset distributed inside a .tar.gz: the archive <see cref="Name"/> is fetched from the base
/// URL and the dataset's files are the members <see cref="MemberDirectory"/> + file name.
/// <see cref="Sha256"/> is null when no checksum of the archive is known.
/// </summary>
public sealed record ArchiveSource(string Name, string MemberDirectory, string? Sha256 = null);
