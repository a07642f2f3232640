using System.Text;

namespace NnRnn.Experiments.Data;

/// <summary>
/// Reads a text file that must be valid UTF-8: a bad byte is an error naming the file and line,
/// never a silent U+FFFD that would become a token of its own.
/// </summary>
public static class StrictUtf8
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text (a leading byte-order mark dropped, as File.ReadLines does).</summary>
    public static string ReadAllText(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        try
        {
            return Strict.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException ex)
        {
            var bad = ex.BytesUnknown is { Length: > 0 } b ? $" (byte 0x{b[0]:X2})" : "";
            throw new DataFormatException($"{path}:{FirstInvalidLine(bytes, start)}", $"invalid UTF-8{bad}; the file must be UTF-8 text");
        }
    }

    /// <summary>The 1-based line (split at '\n') holding the first invalid byte sequence.</summary>
    private static int FirstInvalidLine(byte[] bytes, int start)
    {
        int line = 1, lineStart = start;
        for (int i = start; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] != (byte)'\n') continue;
            try
            {
                Strict.GetString(bytes, lineStart, i - lineStart);
            }
            catch (DecoderFallbackException)
            {
                return line;
            }
            line++;
            lineStart = i + 1;
        }
        return line;
    }
}
