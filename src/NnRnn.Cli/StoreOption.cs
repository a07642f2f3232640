using System.CommandLine;
using NnRnn.Experiments.Store;

namespace NnRnn.Cli;

/// <summary><c>--store PATH</c>: the run store a command records into or reads (default: runs.db beside the run directories).</summary>
public static class StoreOption
{
    public static Option<string?> Create(string? defaultDescription = null) => new("--store")
    {
        Description = $"run store (SQLite) to record into (default: {defaultDescription ?? "runs.db in the run directory's parent folder"})",
    };

    /// <summary>The store path a run in <paramref name="runDirectory"/> records into.</summary>
    public static string PathFor(ParseResult r, Option<string?> store, string runDirectory)
        => r.GetValue(store) ?? RunStore.DefaultFor(runDirectory);

    /// <summary>The observer recording a training run; the sweep's name comes from its worker's environment.</summary>
    public static StoreObserver Observer(ParseResult r, Option<string?> store, string runDirectory)
        => new(PathFor(r, store, runDirectory), Environment.GetEnvironmentVariable(StoreObserver.SweepVariable) is { Length: > 0 } sweep ? sweep : null,
            message => Console.Error.WriteLine($"nnrnn: warning: {message}"));
}
