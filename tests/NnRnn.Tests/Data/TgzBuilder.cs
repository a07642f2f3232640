using System.Formats.Tar;
using System.IO.Compression;

namespace NnRnn.Tests.Data;

/// <summary>Builds a .tar.gz in memory, laid out like Mikolov's simple-examples.tgz.</summary>
internal static class TgzBuilder
{
    public static byte[] Build(IEnumerable<(string Member, byte[] Content)> members)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Ustar, leaveOpen: true))
        {
            tar.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "./simple-examples/data/"));
            foreach (var (member, content) in members)
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, member) { DataStream = new MemoryStream(content) });
        }
        return buffer.ToArray();
    }
}
