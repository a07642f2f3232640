using System.Formats.Tar;
using System.IO.Compression;

namespace NnRnn.Experiments.Data;

/// <summary>Copies chosen members out of a .tar.gz without unpacking the rest.</summary>
public static class TgzExtractor
{
    /// <summary>
    /// Writes each member named in <paramref name="destinations"/> (member path → file to create) and
    /// returns the members that were not in the archive. Member paths are compared without a
    /// leading "./", since tar tools differ in writing one.
    /// </summary>
    /// <exception cref="InvalidDataException">The archive is not a readable gzip'd tar.</exception>
    public static IReadOnlyList<string> Extract(string archivePath, IReadOnlyDictionary<string, string> destinations)
    {
        var wanted = destinations.ToDictionary(kv => Normalize(kv.Key), kv => kv.Value);
        try
        {
            using var gz = new GZipStream(File.OpenRead(archivePath), CompressionMode.Decompress);
            using var tar = new TarReader(gz);
            while (wanted.Count > 0 && tar.GetNextEntry() is { } entry)
            {
                string name = Normalize(entry.Name);
                if (entry.DataStream is null || !wanted.Remove(name, out var destination)) continue;
                using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
                entry.DataStream.CopyTo(output);
            }
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException)
        {
            throw new InvalidDataException(e.Message, e);
        }
        return [.. wanted.Keys];
    }

    private static string Normalize(string member)
    {
        member = member.Replace('\\', '/');
        while (member.StartsWith("./", StringComparison.Ordinal)) member = member[2..];
        return member;
    }
}
