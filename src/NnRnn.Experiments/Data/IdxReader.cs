using System.Buffers.Binary;

namespace NnRnn.Experiments.Data;

/// <summary>
/// Reader for the MNIST IDX format (raw or gzipped): a big-endian header of a magic number
/// (0x0000 08 0N: unsigned bytes, N dimensions) and N dimension sizes, then the bytes.
/// Any deviation throws <see cref="DataFormatException"/> naming the file, so a bad download
/// is reported where it is found instead of surfacing later as a shape error.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    public static IdxImages ReadImages(string path)
    {
        using var stream = GzipDetect.OpenRead(path);
        var dims = ReadHeader(stream, path, ImagesMagic, "IDX3 unsigned-byte images", 3);
        int count = dims[0], rows = dims[1], cols = dims[2];
        if (rows == 0 || cols == 0) throw new DataFormatException(path, $"bad image size {rows}x{cols}");
        long total = (long)count * rows * cols;
        if (total > Array.MaxLength)
            throw new DataFormatException(path, $"too large: {count} images of {rows}x{cols} exceed one array");
        var pixels = ReadPayload(stream, path, (int)total, "pixel bytes");
        return new IdxImages(path, pixels, count, rows, cols);
    }

    public static IdxLabels ReadLabels(string path, int classes = 10)
    {
        if (classes < 1 || classes > 256) throw new ArgumentOutOfRangeException(nameof(classes), classes, "must be in 1..256");
        using var stream = GzipDetect.OpenRead(path);
        int count = ReadHeader(stream, path, LabelsMagic, "IDX1 unsigned-byte labels", 1)[0];
        var bytes = ReadPayload(stream, path, count, "label bytes");
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            if (bytes[i] >= classes)
                throw new DataFormatException(path, $"label {bytes[i]} at index {i} is out of range 0..{classes - 1}");
            labels[i] = bytes[i];
        }
        return new IdxLabels(path, labels);
    }

    /// <summary>Reads both files and checks that they describe the same number of examples.</summary>
    public static IdxDataset ReadPair(string imagesPath, string labelsPath, int classes = 10)
    {
        var labels = ReadLabels(labelsPath, classes);   // the small file first: fail fast
        var images = ReadImages(imagesPath);
        if (images.Count != labels.Count)
            throw new DataFormatException(labelsPath,
                $"count mismatch: {labels.Count} labels but {imagesPath} has {images.Count} images");
        return new IdxDataset(images, labels);
    }

    private static int[] ReadHeader(Stream stream, string path, int magic, string kind, int rank)
    {
        var header = new byte[4 * (1 + rank)];
        int got = ReadFully(stream, path, header);
        if (got < 4)
            throw new DataFormatException(path, $"truncated: expected a {header.Length}-byte header, found {got} bytes");
        int actual = BinaryPrimitives.ReadInt32BigEndian(header);
        if (actual != magic)
            throw new DataFormatException(path, $"bad magic 0x{actual:X8}{Hint(actual)}, expected 0x{magic:X8} ({kind})");
        if (got < header.Length)
            throw new DataFormatException(path, $"truncated: expected a {header.Length}-byte header, found {got} bytes");
        var dims = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            // IDX sizes are unsigned 32-bit; anything past int.MaxValue cannot be a real dataset.
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * (d + 1)));
            if (dims[d] < 0) throw new DataFormatException(path, $"bad dimension {d}: {(uint)dims[d]}");
        }
        return dims;
    }

    private static string Hint(int magic) => magic switch
    {
        ImagesMagic => " (an images file)",
        LabelsMagic => " (a labels file)",
        _ => "",
    };

    private static byte[] ReadPayload(Stream stream, string path, int length, string what)
    {
        var payload = ReadUpTo(stream, path, length);
        if (payload.Length < length)
            throw new DataFormatException(path, $"truncated: expected {length} {what}, found {payload.Length}");
        // Extra bytes mean the header and the payload disagree; the file is not what it claims.
        if (ReadFully(stream, path, new byte[1]) > 0)
            throw new DataFormatException(path, $"trailing data after the {length} {what} the header announces");
        return payload;
    }

    /// <summary>
    /// Reads up to <paramref name="length"/> bytes, growing the buffer as data arrives, so that a
    /// corrupt header announcing gigabytes does not allocate them before the truncation is seen.
    /// </summary>
    private static byte[] ReadUpTo(Stream stream, string path, int length)
    {
        var buffer = new byte[Math.Min(length, 1 << 20)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            int n;
            try { n = stream.Read(buffer, filled, buffer.Length - filled); }
            catch (InvalidDataException e) { throw new DataFormatException(path, $"corrupt gzip data: {e.Message}", e); }
            if (n == 0) break;
            filled += n;
        }
        if (filled < buffer.Length) Array.Resize(ref buffer, filled);
        return buffer;
    }

    private static int ReadFully(Stream stream, string path, byte[] buffer)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt gzip data: {e.Message}", e);
        }
    }
}
