using System.Text.Json;
using System.Text.Json.Nodes;
using NnRnn.Golden;
using Xunit;

namespace NnRnn.Tests;

/// <summary>Trajectory fixtures changed on purpose: the checks must fail where the change is.</summary>
internal static class GoldenFixtureChange
{
    /// <summary>
    /// The fixture <paramref name="fixture"/> reduced to <paramref name="net"/>'s trajectory in
    /// <paramref name="section"/>, changed by <paramref name="change"/>, checked as <paramref name="kind"/>.
    /// </summary>
    public static List<CaseResult> CheckOne(string fixture, string section, GoldenKind kind, string net, Action<JsonObject> change)
    {
        var doc = JsonNode.Parse(File.ReadAllText(TestSupport.Fixture(fixture)))!.AsObject();
        var one = doc[section]!.AsArray().First(t => t!["net_type"]!.GetValue<string>() == net)!.AsObject();
        change(one);
        doc[section] = new JsonArray(one.DeepClone());
        using var json = JsonDocument.Parse(doc.ToJsonString(), new JsonDocumentOptions { MaxDepth = 256 });
        var checker = new GoldenChecker(json.RootElement, $"changed {section}");
        Assert.Equal(kind, checker.Kind);
        return checker.CheckAll();
    }
}
