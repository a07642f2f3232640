namespace NnRnn.Experiments.Data;

/// <summary>A data file exists but its content is malformed (bad magic, truncated, out-of-range value...).</summary>
public sealed class DataFormatException : DataException
{
    public DataFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
    }

    public string FilePath { get; }
}
