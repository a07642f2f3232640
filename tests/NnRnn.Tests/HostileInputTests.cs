using Xunit;

namespace NnRnn.Tests;

/// <summary>In-process runs change the working directory, the environment and the console: never beside another test.</summary>
[CollectionDefinition(nameof(HostileInputCollection), DisableParallelization = true)]
public sealed class HostileInputCollection;

/// <summary>
/// Issue 7, item 8: every hostile input is exactly one stderr line naming the option or file, the
/// documented exit code, and nothing left behind (no run directory, no temporary or probe file).
/// </summary>
[Collection(nameof(HostileInputCollection))]
public class HostileInputTests
{
    public static TheoryData<string> Cases() => [.. HostileCases.All.Keys];

    public static TheoryData<string> ChildProcessCases() => [.. HostileCases.InChildProcess];

    [Fact]
    public void The_suite_covers_every_command_with_at_least_60_cases()
    {
        Assert.True(HostileCases.All.Count >= 60, $"{HostileCases.All.Count} cases");
        foreach (var command in new[] { "copytask", "adding", "psmnist", "ptb", "golden", "bench", "data download", "analyze" })
            Assert.Contains(HostileCases.All.Values, c => c.Args.StartsWith(command));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Hostile_input_in_process(string name) => Check(name, (box, args) => box.RunInProcess(args));

    [Theory]
    [MemberData(nameof(ChildProcessCases))]
    public void Hostile_input_as_a_child_process(string name) => Check(name, (box, args) => box.RunProcess(args));

    private static void Check(string name, Func<HostileSandbox, string[], (int Code, string Err, string Out)> run)
    {
        var c = HostileCases.All[name];
        using var box = new HostileSandbox();
        c.Setup?.Invoke(box);
        var before = box.Snapshot();
        var (code, stderr, stdout) = run(box, c.Arguments(box));
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{name}: expected one stderr line, got {lines.Length}:\n{stderr}");
        Assert.StartsWith("nnrnn: error: ", lines[0]);
        Assert.Contains(c.Names, lines[0]);
        Assert.True(c.Exit == code, $"{name}: exit code {code}, expected {c.Exit}: {lines[0]}");
        Assert.Equal(before, box.Snapshot());
        Assert.True(stdout.Length == 0 || c.PrintsHeader, $"{name}: nothing starts, so nothing is printed on stdout, got: {stdout}");
        Assert.False(Directory.Exists("/proc/nnrnn-hostile"));
    }
}
