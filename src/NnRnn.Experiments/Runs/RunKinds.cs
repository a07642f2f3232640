using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;

namespace NnRnn.Experiments.Runs;

/// <summary>The training tasks and their options records: which task wrote an options.json.</summary>
public static class RunKinds
{
    private static readonly RunOptions[] All = [new CopyTaskOptions(), new AddingOptions(), new PsmnistOptions(), new PtbOptions()];

    /// <summary>
    /// The task of an options.json written before it recorded its task: the only one whose options
    /// include every name it holds (null when none or several do). Options added since then do not
    /// matter: an older file holds fewer names.
    /// </summary>
    public static string? Infer(JsonObject options)
    {
        var keys = options.Select(p => p.Key).Where(k => k is not RunSession.CheckpointEveryKey).ToHashSet();
        var matches = All.Where(o => Names(o.GetType()).IsSupersetOf(keys)).ToList();
        return matches.Count == 1 ? matches[0].TaskName : null;
    }

    private static HashSet<string> Names(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
        .OfType<string>()
        .ToHashSet();
}
