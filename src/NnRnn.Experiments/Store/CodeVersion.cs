using System.Diagnostics;
using System.Reflection;

namespace NnRnn.Experiments.Store;

/// <summary>What code a run ran: the git commit of the tool's checkout when there is one, else the assembly's informational version.</summary>
public static class CodeVersion
{
    private static readonly Lazy<string> Current = new(Find);

    public static string Get() => Current.Value;

    private static string Find() => GitCommit(AppContext.BaseDirectory)
        ?? typeof(CodeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";

    private static string? GitCommit(string directory)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-C", directory, "rev-parse", "HEAD" }) psi.ArgumentList.Add(a);
            using var git = Process.Start(psi);
            if (git is null) return null;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.StandardError.ReadToEnd();
            if (!git.WaitForExit(5000)) { git.Kill(); return null; }
            return git.ExitCode == 0 && output.Length >= 7 ? "git:" + output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return null;   // no git on this machine
        }
    }
}
