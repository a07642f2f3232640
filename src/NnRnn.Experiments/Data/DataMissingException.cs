namespace NnRnn.Experiments.Data;

/// <summary>A data file that a dataset needs was not found; the message says how to get it.</summary>
public sealed class DataMissingException : DataException
{
    public DataMissingException(string message) : base(message) { }
}
