using Spectre.Console;

namespace NnRnn.Cli;

/// <summary>
/// How training commands show progress: a live display on a terminal, plain periodic log lines
/// when output is not one (CI, cluster logs, a pipe) or when NNRNN_PLAIN=1.
/// </summary>
public static class ConsoleMode
{
    public const string PlainVariable = "NNRNN_PLAIN";

    public static bool Live { get; } = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
                                       && Environment.GetEnvironmentVariable(PlainVariable) != "1";

    /// <summary>
    /// A permanent line: through Spectre on a terminal, so it lands above the live display instead
    /// of through it; plain Console otherwise (Spectre would wrap it at 80 columns in a log).
    /// </summary>
    public static void Line(string text)
    {
        if (Live) AnsiConsole.Console.WriteLine(text);
        else Console.WriteLine(text);
    }
}
