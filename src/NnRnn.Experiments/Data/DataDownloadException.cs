namespace NnRnn.Experiments.Data;

/// <summary>A download failed (HTTP error, dropped connection, checksum mismatch, bad archive).</summary>
public sealed class DataDownloadException : DataException
{
    public DataDownloadException(string message, Exception? inner = null) : base(message, inner) { }
}
