using NnRnn.Experiments.Runs;

namespace NnRnn.Experiments.Store;

/// <summary>
/// Whether a run the store says is running still has a process: on this host its pid must be alive
/// and the run directory's <see cref="RunLock"/> held (a reused pid does not hold it); on another
/// host (or without a pid) only the lock can tell. A lock is probed only when the pid check cannot
/// decide, since a probe holds the lock for an instant.
/// </summary>
internal static class Liveness
{
    public static bool IsAlive(string directory, string? host, int? pid)
    {
        if (host == Environment.MachineName && pid is { } p && !ProcessExists(p)) return false;
        // another host's run directory not visible here (its local disk): nothing can tell, leave it running
        if (host is not null && host != Environment.MachineName && !Directory.Exists(directory)) return true;
        return LockHeld(directory);
    }

    private static bool ProcessExists(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool LockHeld(string directory)
    {
        if (!File.Exists(Path.Combine(directory, RunLock.FileName))) return false;
        try
        {
            using var probe = RunLock.Acquire(directory);
            return false;
        }
        catch (RunLockedException)
        {
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;   // cannot tell: leave it running rather than call a live run dead
        }
    }
}
