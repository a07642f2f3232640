using System.CommandLine;

namespace NnRnn.Cli;

/// <summary>Parsing and error conventions shared by every command.</summary>
public static class CommandLine
{
    /// <summary>Exit code for bad input (options, files).</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a failure that is not the input's fault (network, disk, an unexpected error).</summary>
    public const int Failure = 1;

    /// <summary>Set to 1 to see the stack trace of an unexpected error.</summary>
    public const string DebugVariable = "NNRNN_DEBUG";

    /// <summary>
    /// Parses and runs; a parse error is one line on stderr naming the problem, exit code 2. Anything
    /// a command did not handle is one line too, exit code 1 (the trace only with NNRNN_DEBUG=1).
    /// </summary>
    public static int Invoke(RootCommand root, string[] args)
    {
        try
        {
            var result = root.Parse(args);
            if (result.Errors.Count > 0)
            {
                // "Unrecognized command or argument 'x'" says more than "Required command was not provided"
                var error = result.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? result.Errors[0];
                Console.Error.WriteLine($"nnrnn: error: {OneLine(error.Message)}");
                return UsageError;
            }
            if (GroupedNumber(result) is { } grouped)
            {
                Console.Error.WriteLine($"nnrnn: error: {grouped}");
                return UsageError;
            }
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            var inner = ex is System.Reflection.TargetInvocationException { InnerException: { } e } ? e : ex;
            Console.Error.WriteLine($"nnrnn: error: {OneLine(inner)} ({inner.GetType().Name}; {DebugVariable}=1 shows where)");
            if (Environment.GetEnvironmentVariable(DebugVariable) == "1") Console.Error.WriteLine(inner);
            return Failure;
        }
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
            return Failure;   // the input was fine; the network or the server was not
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or DirectoryNotFoundException
                                       or InvalidDataException or FormatException or System.Text.Json.JsonException
                                       or NnRnn.Experiments.Data.DataException or NnRnn.Experiments.Store.RunStoreException)
        {
            Console.Error.WriteLine($"nnrnn: error: {OneLine(ex)}");
            return UsageError;
        }
    }

    /// <summary>
    /// System.CommandLine parses numbers with thousands separators ("1,5" → 15, "1,0.9" → 10.9): a
    /// typo that would silently change a learning rate. A numeric option's value may not hold a comma.
    /// </summary>
    private static string? GroupedNumber(ParseResult result)
    {
        foreach (var option in result.CommandResult.Command.Options)
        {
            var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (type.IsArray) type = type.GetElementType()!;
            if (type != typeof(double) && type != typeof(float) && type != typeof(int) && type != typeof(long) && type != typeof(decimal)) continue;
            if (result.GetResult(option) is not { } given) continue;
            foreach (var token in given.Tokens)
                if (token.Value.Contains(','))
                    return $"{option.Name}: expected a number (no thousands separators; give several values separated by spaces), got '{token.Value}'";
        }
        return null;
    }

    private static string OneLine(Exception ex) => OneLine(ex.Message);

    private static string OneLine(string message) => message.Split('\n')[0].Trim();

    public static Option<T> Option<T>(string name, string description, T defaultValue)
        => new(name) { Description = description, DefaultValueFactory = _ => defaultValue };
}
