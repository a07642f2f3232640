using System.Diagnostics;

namespace NnRnn.Tests;

/// <summary>
/// A child process whose output is read as it comes (a full pipe would stop it) and whose every
/// wait has a deadline: a child that hangs fails its test, naming the command, instead of hanging
/// the whole suite (and CI) with it.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    /// <summary>How long a test waits for a child by default.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    // Output left by a grandchild that outlives the child (it keeps the pipe open) is not waited for.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    private readonly Task<string> stdout, stderr;
    private readonly string command;

    public Process Process { get; }

    private ChildProcess(ProcessStartInfo psi)
    {
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        command = string.Join(' ', new[] { psi.FileName }.Concat(psi.ArgumentList.Select(a => Path.GetFileName(a) is { Length: > 0 } f && a.Contains('/') ? f : a)));
        Process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}");
        stdout = Process.StandardOutput.ReadToEndAsync();
        stderr = Process.StandardError.ReadToEndAsync();
    }

    public static ChildProcess Start(ProcessStartInfo psi) => new(psi);

    /// <summary>Starts, waits and returns exit code, stdout and stderr; throws (killing the child and
    /// its children) past the timeout.</summary>
    public static (int Code, string Out, string Err) Run(ProcessStartInfo psi, TimeSpan? timeout = null)
    {
        using var child = Start(psi);
        return child.Finish(timeout);
    }

    public int Id => Process.Id;

    public bool HasExited => Process.HasExited;

    /// <summary>Waits up to <paramref name="milliseconds"/>; false if still running.</summary>
    public bool WaitForExit(int milliseconds) => Process.WaitForExit(milliseconds);

    /// <summary>SIGKILL, then waits for the exit (bounded).</summary>
    public void Kill()
    {
        try { Process.Kill(); }
        catch (InvalidOperationException) { }   // already gone
        if (!Process.WaitForExit((int)DefaultTimeout.TotalMilliseconds))
            throw new TimeoutException($"{command} did not exit after SIGKILL");
    }

    /// <summary>Waits for the exit; returns exit code, stdout and stderr.</summary>
    public (int Code, string Out, string Err) Finish(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        if (!Process.WaitForExit((int)limit.TotalMilliseconds))
        {
            try { Process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            throw new TimeoutException($"{command} did not finish in {limit.TotalSeconds:F0} s (killed){Tail()}");
        }
        Task.WaitAll([stdout, stderr], DrainTimeout);
        return (Process.ExitCode, Text(stdout), Text(stderr));
    }

    private static string Text(Task<string> output) => output.IsCompletedSuccessfully ? output.Result : "";

    private string Tail()
    {
        Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(2));
        var err = Text(stderr);
        return err.Length == 0 ? "" : "; stderr ends: " + err[Math.Max(0, err.Length - 500)..];
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            try { Process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }
        Process.Dispose();
    }
}
