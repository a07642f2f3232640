using NnRnn.Experiments.Runs;

namespace NnRnn.Experiments.Reports;

/// <summary>Finds run directories: a folder with options.json is one; any other folder (a sweep root) is searched recursively.</summary>
public static class RunDirectories
{
    public static IEnumerable<string> Find(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"--runs: '{path}' is not a directory");
        return Walk(path).Order(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Walk(string path)
    {
        if (File.Exists(Path.Combine(path, RunSession.OptionsFile))) return [path];
        return Directory.EnumerateDirectories(path).SelectMany(Walk);
    }
}
