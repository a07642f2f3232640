namespace NnRnn.Cli;

/// <summary>
/// Checks, before a command starts, that a folder it will write (<c>--out</c>, <c>--dir</c>) can be
/// created and written: a path through a file, a read-only file system or a folder without
/// permission is one line naming the option. The check writes a probe file and removes it and
/// every folder it created, so nothing is left behind.
/// </summary>
public static class OutputLocation
{
    public static void CheckWritable(string path, string option)
    {
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"{option}: '{path}' is not a valid path");
        }
        if (File.Exists(full)) throw new ArgumentException($"{option}: '{path}' is a file, expected a directory");
        var created = new Stack<string>();
        for (var dir = full; !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
        {
            if (File.Exists(dir)) throw new ArgumentException($"{option}: cannot create '{path}': '{dir}' is a file");
            created.Push(dir);
            if (Path.GetDirectoryName(dir) is null) break;
        }
        var probe = Path.Combine(full, $".nnrnn-write-test-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(full);
            File.WriteAllBytes(probe, []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option}: cannot write to '{path}' ({Reason(e)})");
        }
        finally
        {
            try
            {
                if (File.Exists(probe)) File.Delete(probe);
                // only the folders this check made, innermost first
                foreach (var dir in created.Reverse()) if (Directory.Exists(dir)) Directory.Delete(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "the file system does not allow creating it",
        _ when e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) => "read-only file system",
        _ => e.Message.Split('\n')[0].Trim(),
    };
}
