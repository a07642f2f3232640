using System.Reflection;
using System.Text.Json.Serialization;

namespace NnRnn.Experiments.Training;

/// <summary>
/// What summary.json records at the end of a run. Each task derives its own record; the JSON
/// names are the properties' <see cref="JsonPropertyNameAttribute"/>s, defined only there.
/// </summary>
public abstract record RunSummary
{
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

/// <summary>Marks a summary entry shown at the end of a run; <paramref name="order"/> sorts them.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HeadlineAttribute(int order) : Attribute
{
    public int Order { get; } = order;
}
