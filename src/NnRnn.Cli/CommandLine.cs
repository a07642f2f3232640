using System.CommandLine;

namespace NnRnn.Cli;

/// <summary>Parsing and error conventions shared by every command.</summary>
public static class CommandLine
{
    /// <summary>Exit code for bad input (options, files).</summary>
    public const int UsageError = 2;

    /// <summary>Parses and runs; a parse error is one line on stderr naming the problem, exit code 2.</summary>
    public static int Invoke(RootCommand root, string[] args)
    {
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            Console.Error.WriteLine($"nnrnn: error: {result.Errors[0].Message}");
            return UsageError;
        }
        return result.Invoke();
    }

    /// <summary>
    /// Runs a command body; bad input (ArgumentException, a missing or malformed file, a data-layer
    /// error such as a missing dataset) → one line, exit 2.
    /// </summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (NnRnn.Experiments.Data.DataDownloadException ex)
        {
            Console.Error.WriteLine($"nnrnn: error: {OneLine(ex)}");
            return 1;   // the input was fine; the network or the server was not
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or DirectoryNotFoundException
                                       or InvalidDataException or FormatException or System.Text.Json.JsonException
                                       or NnRnn.Experiments.Data.DataException)
        {
            Console.Error.WriteLine($"nnrnn: error: {OneLine(ex)}");
            return UsageError;
        }
    }

    private static string OneLine(Exception ex) => ex.Message.Split('\n')[0].Trim();

    public static Option<T> Option<T>(string name, string description, T defaultValue)
        => new(name) { Description = description, DefaultValueFactory = _ => defaultValue };
}
