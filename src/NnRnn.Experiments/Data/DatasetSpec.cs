namespace NnRnn.Experiments.Data;

/// <summary>
/// Where a dataset comes from and what its files must look like. The catalog holds the real ones;
/// tests build their own with small files and their checksums.
/// </summary>
/// <param name="Name">Also the name of the dataset's folder under the data root.</param>
/// <param name="BaseUrls">Mirrors, tried in order; a file URL is base + file name.</param>
/// <param name="Files">The files the dataset needs on disk.</param>
/// <param name="Archive">Set when the files come out of one archive rather than one URL each.</param>
/// <param name="SystemDirectories">Read-only places (distribution packages) also searched for the files.</param>
public sealed record DatasetSpec(
    string Name,
    IReadOnlyList<string> BaseUrls,
    IReadOnlyList<DataFile> Files,
    ArchiveSource? Archive = null,
    IReadOnlyList<string>? SystemDirectories = null)
{
    public DataFile File(string name) =>
        Files.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"{Name}: no file named {name}");
}
