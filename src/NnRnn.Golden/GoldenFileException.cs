namespace NnRnn.Golden;

/// <summary>A file given as a golden file that is not one (not JSON, missing or mistyped sections, no cases).</summary>
public sealed class GoldenFileException : FormatException
{
    public GoldenFileException(string file, string problem) : base($"{file}: not a golden file: {problem}") { }
}
