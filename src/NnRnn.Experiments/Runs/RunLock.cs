namespace NnRnn.Experiments.Runs;

/// <summary>
/// The exclusive lock a process holds on a run directory while it uses it: run.lock opened with
/// FileShare.None, which .NET on Linux turns into flock(LOCK_EX | LOCK_NB). The kernel drops the lock
/// when the process dies, so a lock left by a killed process never blocks; the file itself stays.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = "run.lock";
    private readonly FileStream stream;

    private RunLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the lock of <paramref name="directory"/> (which must exist), or throws <see cref="RunLockedException"/>.</summary>
    public static RunLock Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            return new RunLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(path))
        {
            throw new RunLockedException(directory);
        }
    }

    public void Dispose() => stream.Dispose();
}

/// <summary>Another live process holds the run directory's lock.</summary>
public sealed class RunLockedException(string directory)
    : IOException($"{directory} is in use by another nnrnn process (it holds {Path.Combine(directory, RunLock.FileName)}); wait for it to end")
{
    public string Directory { get; } = directory;
}
