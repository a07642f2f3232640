namespace NnRnn.Experiments.Data;

/// <summary>
/// Where datasets live: a root (the CLI's --data-dir, else $NNRNN_DATA, else a per-user cache)
/// holding one folder per dataset (<c>root/mnist</c>, <c>root/fashion-mnist</c>, <c>root/ptb</c>);
/// the folders are separate because MNIST and Fashion-MNIST use the same file names.
/// </summary>
public sealed class DataDirectory
{
    public const string EnvironmentVariable = "NNRNN_DATA";

    /// <param name="explicitRoot">The user's --data-dir, the only place then read; null for the default
    /// root, which also falls back to the datasets' system directories (Debian's Fashion-MNIST).</param>
    public DataDirectory(string? explicitRoot = null)
        : this(string.IsNullOrEmpty(explicitRoot) ? DefaultRoot() : explicitRoot, isExplicit: !string.IsNullOrEmpty(explicitRoot))
    {
    }

    private DataDirectory(string root, bool isExplicit)
    {
        Root = Path.GetFullPath(root);
        IsExplicit = isExplicit;
    }

    /// <summary>A default-style root (system directories searched too) at <paramref name="root"/>, for tests.</summary>
    public static DataDirectory WithFallbacks(string root) => new(root, isExplicit: false);

    public string Root { get; }

    /// <summary>True for a --data-dir the user gave: nothing outside it is read.</summary>
    public bool IsExplicit { get; }

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
    /// Finds every file of <paramref name="spec"/> (under any of its names) in ONE place, so sources
    /// never mix: the dataset's folder, else the root itself (a --data-dir pointing straight at the
    /// files), else, for the default root only, the spec's system directories. When no place holds
    /// them all, <see cref="DataMissingException"/> names the first file missing from the place that
    /// holds the most, and the command that downloads it.
    /// </summary>
    public IReadOnlyDictionary<string, string> ResolveFiles(DatasetSpec spec)
    {
        if (IsExplicit && !Directory.Exists(Root))
            throw new DataMissingException($"--data-dir {Root}: no such directory; download {spec.Name} with: {DownloadCommand(spec.Name)}");
        string[] places = IsExplicit ? [DatasetFolder(spec.Name), Root] : [DatasetFolder(spec.Name), Root, .. spec.SystemDirectories ?? []];
        string? Find(string dir, DataFile file) => file.AllNames.Select(name => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
        var complete = places.FirstOrDefault(dir => spec.Files.All(f => Find(dir, f) is not null));
        if (complete is not null)
            return spec.Files.ToDictionary(f => f.Name, f => Find(complete, f)!);
        var closest = places.OrderByDescending(dir => spec.Files.Count(f => Find(dir, f) is not null)).First();
        var missing = spec.Files.First(f => Find(closest, f) is null);
        string where = spec.Files.Any(f => Find(closest, f) is not null)
            ? $"in {closest} (which holds some of its files; sources are not mixed)"
            : $"in {string.Join(" or ", places)}";
        throw new DataMissingException($"{spec.Name}: missing {Describe(missing)} {where}; download it with: {DownloadCommand(spec.Name)}");
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
