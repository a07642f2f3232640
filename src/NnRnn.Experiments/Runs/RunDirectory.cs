using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Runs;

/// <summary>
/// The directory one run writes: options.json (resolved options), metrics.csv (one row per
/// update or epoch), summary.json (final metrics) and checkpoints. Every file is written to a
/// temporary name and renamed, so a run killed at any moment never leaves a half-written file.
/// </summary>
public sealed class RunDirectory
{
    // A diverged run has NaN or infinite losses: written as "NaN", "Infinity", "-Infinity".
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private RunDirectory(string path) => Path = path;

    public string Path { get; }

    /// <summary>
    /// Creates a new, empty run directory. An existing non-empty one is refused, unless it holds only
    /// what a run killed before its first checkpoint leaves (see <see cref="IsAbandoned"/>): that one
    /// is reused once its lock is taken (<see cref="ClearAbandoned"/>).
    /// </summary>
    public static RunDirectory Create(string path)
    {
        if (System.IO.File.Exists(path))
            throw new ArgumentException($"--out: '{path}' is a file");
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any() && !IsAbandoned(path))
            throw new ArgumentException($"--out: '{path}' already exists and is not empty");
        Directory.CreateDirectory(path);
        return new RunDirectory(path);
    }

    /// <summary>
    /// A directory left by a run killed before its first checkpoint: nothing but its lock file,
    /// temporary files, options.json, metrics.csv and an unfinished first checkpoint (no checkpoint.bin, no summary, no model).
    /// </summary>
    public static bool IsAbandoned(string path) => Directory.EnumerateFileSystemEntries(path).All(entry =>
        System.IO.File.Exists(entry) && System.IO.Path.GetFileName(entry) is var name
        && (name is RunLock.FileName or "options.json" or "metrics.csv" or CheckpointFiles.Next || name.EndsWith(".tmp", StringComparison.Ordinal)));

    /// <summary>Deletes what an abandoned run left (call with the directory's lock held); the lock file stays.</summary>
    public void ClearAbandoned()
    {
        foreach (var entry in Directory.EnumerateFiles(Path))
            if (System.IO.Path.GetFileName(entry) != RunLock.FileName) System.IO.File.Delete(entry);
    }

    /// <summary>An existing run directory (to resume it).</summary>
    public static RunDirectory Open(string path)
    {
        if (!Directory.Exists(path)) throw new ArgumentException($"--resume: '{path}' is not a run directory");
        return new RunDirectory(path);
    }

    /// <summary>A fresh default location: runs/TASK-NET-yyyyMMdd-HHmmss[-k] under the working directory.</summary>
    public static string DefaultPath(string task, string net)
    {
        var stem = System.IO.Path.Combine("runs", $"{task}-{net}-{DateTime.Now:yyyyMMdd-HHmmss}");
        var path = stem;
        for (int k = 2; Directory.Exists(path); k++) path = $"{stem}-{k}";
        return path;
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes JSON atomically (temporary file, then rename).</summary>
    public void WriteJson(string name, object value)
        => WriteAtomic(name, s => JsonSerializer.Serialize(s, value, value.GetType(), Json));

    /// <summary>Writes a PyTorch-compatible state dict (loadable with torch.load) atomically.</summary>
    public void SaveModel(string name, nn.Module model) => WriteAtomic(name, s => model.save_py(s, leaveOpen: true));

    /// <summary>Writes through a temporary file in the same directory and renames it over <paramref name="name"/>.</summary>
    public void WriteAtomic(string name, Action<Stream> write)
    {
        var target = File(name);
        var temp = target + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            System.IO.File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (System.IO.File.Exists(temp)) System.IO.File.Delete(temp);
        }
    }
}
