namespace NnRnn.Experiments.Data;

/// <summary>
/// Where datasets live: a root (the CLI's --data-dir, else $NNRNN_DATA, else a per-user cache)
/// holding one folder per dataset (<c>root/mnist</c>, <c>root/fashion-mnist</c>, <c>root/ptb</c>);
/// the folders are separate because MNIST and Fashion-MNIST use the same file names.
/// </summary>
public sealed class DataDirectory
{
    public const string EnvironmentVariable = "NNRNN_DATA";

    /// <param name="explicitRoot">The user's --data-dir; null for the default.</param>
    public DataDirectory(string? explicitRoot = null)
    {
        Root = Path.GetFullPath(string.IsNullOrEmpty(explicitRoot) ? DefaultRoot() : explicitRoot);
    }

    public string Root { get; }

    public string DatasetFolder(string dataset) => Path.Combine(Root, dataset);

    public static string DefaultRoot() => DefaultRoot(Environment.GetEnvironmentVariable, OperatingSystem.IsLinux());

    /// <summary>The default root given an environment (tests pass their own).</summary>
    public static string DefaultRoot(Func<string, string?> environment, bool linux)
    {
        if (environment(EnvironmentVariable) is { Length: > 0 } fromEnv) return fromEnv;
        if (!linux)
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "nnrnn");
        // XDG base directory spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
        if (environment("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "nnrnn");
        string home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "nnrnn");
    }

    /// <summary>Paths of a catalog dataset's files, keyed by the catalog file name.</summary>
    public IReadOnlyDictionary<string, string> ResolveFiles(string dataset) => ResolveFiles(DatasetCatalog.Get(dataset));

    /// <summary>
    /// Finds every file of <paramref name="spec"/> under any of its names, first in the dataset's
    /// folder, then in the root itself (a --data-dir pointing straight at the files), then in the
    /// spec's system directories; the first missing file throws
    /// <see cref="DataMissingException"/> naming it and the command that downloads it.
    /// </summary>
    public IReadOnlyDictionary<string, string> ResolveFiles(DatasetSpec spec)
    {
        string[] places = [DatasetFolder(spec.Name), Root, .. spec.SystemDirectories ?? []];
        var found = new Dictionary<string, string>();
        foreach (var file in spec.Files)
        {
            var path = places.SelectMany(dir => file.AllNames.Select(name => Path.Combine(dir, name))).FirstOrDefault(File.Exists);
            found[file.Name] = path ?? throw new DataMissingException(
                $"{spec.Name}: missing {Describe(file)} " +
                $"in {string.Join(" or ", places)}; download it with: {DownloadCommand(spec.Name)}");
        }
        return found;
    }

    /// <summary>The four IDX files of mnist or fashion-mnist.</summary>
    public IdxFilePaths ResolveIdx(string dataset)
    {
        var files = ResolveFiles(dataset);
        return new IdxFilePaths(
            files[DatasetCatalog.TrainImages], files[DatasetCatalog.TrainLabels],
            files[DatasetCatalog.TestImages], files[DatasetCatalog.TestLabels]);
    }

    public string DownloadCommand(string dataset) => $"nnrnn data download {dataset} --dir {Quote(Root)}";

    private static string Describe(DataFile file) =>
        file.AllNames.Count == 1 ? file.Name : $"{file.Name} (or {string.Join(", ", file.AllNames.Skip(1))})";

    private static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;
}
