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
    /// The task of an options.json written before it recorded its task: the one whose options
    /// have exactly these names (null when none does).
    /// </summary>
    public static string? Infer(JsonObject options)
    {
        var keys = options.Select(p => p.Key).Where(k => k is not RunSession.CheckpointEveryKey).ToHashSet();
        return All.FirstOrDefault(o => Names(o.GetType()).SetEquals(keys))?.TaskName;
    }

    private static HashSet<string> Names(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
        .OfType<string>()
        .ToHashSet();
}
