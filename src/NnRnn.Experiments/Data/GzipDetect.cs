using System.IO.Compression;

namespace NnRnn.Experiments.Data;

/// <summary>
/// Opens a file that may or may not be gzipped. The decision uses the gzip magic bytes (1f 8b),
/// not the file name, so a renamed or already-decompressed ".gz" still reads correctly.
/// </summary>
public static class GzipDetect
{
    public static bool IsGzip(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[2];
        return file.ReadAtLeast(head, 2, throwOnEndOfStream: false) == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }

    /// <summary>A read stream of the (decompressed) content; missing files become <see cref="DataMissingException"/>.</summary>
    public static Stream OpenRead(string path)
    {
        if (!File.Exists(path)) throw new DataMissingException($"{path}: file not found");
        bool gz = IsGzip(path);
        var file = File.OpenRead(path);
        return gz ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
    }
}
