namespace NnRnn.Experiments.Data;

/// <summary>
/// Base of the data layer's errors. The message is always a single line (callers print it as
/// one line of CLI output), so embedded line breaks from inner errors are folded into spaces.
/// </summary>
public class DataException : Exception
{
    public DataException(string message, Exception? inner = null) : base(OneLine(message), inner) { }

    internal static string OneLine(string text)
    {
        var parts = text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(' ', parts);
    }
}
