using System.Xml.Linq;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// The projects' dependencies point one way (README "Architecture"): the library knows nothing of
/// experiments, experiments nothing of the golden checker or the CLI. A new project is one line here.
/// </summary>
public class ArchitectureTests
{
    /// <summary>Every project under src/ and the projects it may reference.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["NnRnn"] = [],
        ["NnRnn.Experiments"] = ["NnRnn"],
        ["NnRnn.Analysis"] = ["NnRnn"],
        ["NnRnn.Golden"] = ["NnRnn", "NnRnn.Experiments"],
        ["NnRnn.Cli"] = ["NnRnn", "NnRnn.Experiments", "NnRnn.Golden", "NnRnn.Analysis"],
    };

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "NnRnn.slnx"))) return d.FullName;
        throw new DirectoryNotFoundException("the repository root (NnRnn.slnx) is not above the test binaries");
    }

    private static IEnumerable<(string Project, string[] References)> Projects()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var references = XDocument.Load(file).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)).ToArray();
            yield return (Path.GetFileNameWithoutExtension(file), references);
        }
    }

    [Fact]
    public void Every_project_references_only_the_projects_below_it()
    {
        var projects = Projects().ToList();
        Assert.Contains(projects, p => p.Project == "NnRnn");
        foreach (var (project, references) in projects)
        {
            Assert.True(Allowed.TryGetValue(project, out var allowed), $"{project}: not in the allowed dependency graph (add it to ArchitectureTests.Allowed)");
            foreach (var reference in references)
                Assert.True(allowed.Contains(reference), $"{project} must not reference {reference} (allowed: {string.Join(", ", allowed)})");
        }
    }

    [Fact]
    public void The_compiled_library_references_no_higher_assembly()
    {
        // what the compiler actually linked, not just what the project file says
        var higher = Allowed.Keys.Where(k => k != "NnRnn").ToHashSet();
        foreach (var assembly in new[] { typeof(NnRnn.Cells.RecurrentCell).Assembly, typeof(NnRnn.Experiments.Runs.Checkpoint).Assembly })
        {
            var name = assembly.GetName().Name!;
            foreach (var reference in assembly.GetReferencedAssemblies().Select(r => r.Name!).Where(higher.Contains))
                Assert.True(Allowed[name].Contains(reference), $"{name}.dll references {reference}");
        }
    }

    [Fact]
    public void The_allowed_graph_has_no_cycle()
    {
        var state = new Dictionary<string, int>();
        void Visit(string p, string path)
        {
            Assert.False(state.GetValueOrDefault(p) == 1, $"dependency cycle: {path}");
            if (state.GetValueOrDefault(p) == 2) return;
            state[p] = 1;
            foreach (var r in Allowed.GetValueOrDefault(p, [])) Visit(r, $"{path} -> {r}");
            state[p] = 2;
        }
        foreach (var p in Allowed.Keys) Visit(p, p);
    }
}
