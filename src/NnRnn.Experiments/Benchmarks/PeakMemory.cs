namespace NnRnn.Experiments.Benchmarks;

/// <summary>
/// Peak resident memory of this process (VmHWM in /proc/self/status), reset before each
/// configuration by writing 5 to /proc/self/clear_refs (Linux ≥ 4.0), so one process can time
/// several configurations and report each one's own peak.
/// </summary>
public static class PeakMemory
{
    /// <summary>Resets the peak to the current resident size; false where the kernel does not allow it.</summary>
    public static bool Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>The peak resident memory in MB since start or the last reset, or null off Linux.</summary>
    public static double? PeakMb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0, 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return null;
    }

    /// <summary>Minor page faults of this process so far (field 10 of /proc/self/stat), or null off Linux:
    /// pages the kernel had to map and zero, which an update that reuses its freed memory does not need.</summary>
    public static long? MinorFaults()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // after "pid (comm) "; fields[0] is field 3
            return long.Parse(fields[7]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { }
        return null;
    }
}
