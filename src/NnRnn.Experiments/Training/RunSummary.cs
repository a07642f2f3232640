using System.Reflection;
using System.Text.Json.Serialization;

namespace NnRnn.Experiments.Training;

/// <summary>
/// What summary.json records at the end of a run. Each task derives its own record; the JSON
/// names are the properties' <see cref="JsonPropertyNameAttribute"/>s, defined only there.
/// </summary>
public abstract record RunSummary
{
    /// <summary>finished (the run's end) or diverged (stopped on a non-finite value); first in summary.json.</summary>
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public RunStatus Status { get; init; } = RunStatus.Finished;

    [JsonPropertyName("task")] public required string Task { get; init; }
    [JsonPropertyName("net_type")] public required string NetType { get; init; }
    [JsonPropertyName("seconds"), Headline(90)] public double Seconds { get; init; }
    [JsonPropertyName("parameters")] public long Parameters { get; init; }

    /// <summary>The entries a console shows at the end of a run (JSON name and value), in display order.</summary>
    public IEnumerable<(string Name, object? Value)> Headline() =>
        GetType().GetProperties()
            .Select(p => (Property: p, Order: p.GetCustomAttribute<HeadlineAttribute>()?.Order))
            .Where(p => p.Order is not null)
            .OrderBy(p => p.Order)
            .Select(p => (p.Property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Property.Name, p.Property.GetValue(this)));
}

/// <summary>How a run ended (summary.json's <c>status</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    /// <summary>Every update and epoch ran.</summary>
    [JsonStringEnumMemberName("finished")] Finished,

    /// <summary>A non-finite loss, gradient norm or validation loss stopped the run (exit code 3).</summary>
    [JsonStringEnumMemberName("diverged")] Diverged,
}

/// <summary>Marks a summary entry shown at the end of a run; <paramref name="order"/> sorts them.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HeadlineAttribute(int order) : Attribute
{
    public int Order { get; } = order;
}
