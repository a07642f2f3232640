using System.Diagnostics;
using Xunit;

namespace NnRnn.Tests.Progress;

/// <summary>
/// The CLI on a pseudo-terminal (util-linux <c>script</c>): the live line appears beside the usual
/// log lines, and the cursor is shown again at the end. Skipped where <c>script</c> is missing.
/// </summary>
public class TerminalProgressTests
{
    public static string? Script => new[] { "/usr/bin/script", "/bin/script" }.FirstOrDefault(File.Exists);

    [FactRequiresScript]
    public void A_terminal_gets_the_live_line()
    {
        var script = Script!;
        var dir = TestSupport.TempDir();
        var log = dir + ".typescript";
        try
        {
            var command = $"dotnet '{TestSupport.CliDll}' copytask --nhid 8 --T 5 --steps 300 --out '{dir}'";
            var psi = new ProcessStartInfo(script);
            foreach (var a in new[] { "-qec", command, log }) psi.ArgumentList.Add(a);
            psi.Environment["TERM"] = "xterm-256color";
            psi.Environment.Remove("NNRNN_PLAIN");
            var (code, _, err) = ChildProcess.Run(psi);
            Assert.True(code == 0, err);
            var text = File.ReadAllText(log);
            Assert.Contains("step    300/300", text);          // the log lines stay
            Assert.Matches(@"\d+%  update \d+/300  loss \d", text); // the live line
            Assert.Contains("updates/s", text);
            Assert.Contains("\u001b[?25h", text);              // cursor shown again
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            if (File.Exists(log)) File.Delete(log);
        }
    }
}

/// <summary>A fact that needs util-linux's <c>script</c> (a pseudo-terminal); skipped, saying so, without it.</summary>
public sealed class FactRequiresScriptAttribute : FactAttribute
{
    public FactRequiresScriptAttribute()
    {
        if (TerminalProgressTests.Script is null) Skip = "util-linux's script is not installed: no pseudo-terminal to run the CLI on";
    }
}
