using Xunit;

namespace NnRnn.Tests.Progress;

/// <summary>Output that is not a terminal (a pipe, CI, a cluster log) gets plain periodic lines, no live display.</summary>
public class PlainProgressTests
{
    [Fact]
    public void Redirected_output_prints_plain_periodic_lines()
    {
        var dir = TestSupport.TempDir();
        try
        {
            var (code, stdout, stderr) = TestSupport.RunCli("copytask", "--nhid", "8", "--T", "5", "--steps", "60", "--out", dir);
            Assert.True(code == 0, stderr);
            var steps = stdout.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToList();
            Assert.Equal(30, steps.Count);   // about 30 lines per run: every 2nd of 60 updates
            Assert.EndsWith("60/60", steps[^1].Split("  loss")[0]);
            Assert.DoesNotContain("\u001b[", stdout);   // no cursor or colour codes
            Assert.DoesNotContain("updates/s", stdout); // the live line's text
            Assert.DoesNotContain("ETA", stdout);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
