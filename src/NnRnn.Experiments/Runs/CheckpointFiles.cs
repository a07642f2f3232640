namespace NnRnn.Experiments.Runs;

/// <summary>
/// A run directory's checkpoints: checkpoint.bin (the newest) and checkpoint.prev.bin (the one
/// before). A save writes the new file completely under a temporary name, moves the newest to
/// .prev, then renames the new one in; a resume reads the newest and, when it is damaged (checksum)
/// or missing after a kill between the two renames, falls back to .prev and says so.
/// </summary>
public static class CheckpointFiles
{
    public const string Newest = "checkpoint.bin";
    public const string Previous = "checkpoint.prev.bin";
    /// <summary>Where a damaged newest checkpoint is moved (kept for inspection, never read again).</summary>
    public const string Damaged = "checkpoint.damaged.bin";

    /// <summary>A new checkpoint, complete, waiting to be renamed in (a kill may leave it; it is discarded on resume).</summary>
    public const string Next = "checkpoint.next";

    /// <summary>Test hook: milliseconds to pause inside every checkpoint write (the soak test kills processes there).</summary>
    public const string PauseVariable = "NNRNN_TEST_CHECKPOINT_PAUSE_MS";

    /// <summary>Saves <paramref name="checkpoint"/> as the newest, keeping the current newest as the previous one.</summary>
    public static void Save(string directory, Checkpoint checkpoint)
    {
        var newest = Path.Combine(directory, Newest);
        var next = Path.Combine(directory, Next);
        checkpoint.Save(next);                      // complete and flushed (via next.tmp) before anything moves
        if (File.Exists(newest)) File.Move(newest, Path.Combine(directory, Previous), overwrite: true);
        TestPause();
        File.Move(next, newest, overwrite: true);
    }

    /// <summary>
    /// The checkpoint to resume from: the newest, else the previous one (with a one-line notice
    /// saying why), or null when the run has none (killed before its first checkpoint: start over).
    /// Both damaged is an <see cref="InvalidDataException"/> naming both.
    /// </summary>
    public static (Checkpoint? Checkpoint, string? Notice) LoadNewest(string directory)
    {
        var newest = Path.Combine(directory, Newest);
        var previous = Path.Combine(directory, Previous);
        string? notice = null;
        if (File.Exists(newest))
        {
            try
            {
                return (Checkpoint.Load(newest), null);
            }
            catch (InvalidDataException e)
            {
                if (!File.Exists(previous)) throw new InvalidDataException($"{e.Message}; there is no {Previous} to fall back to");
                File.Move(newest, Path.Combine(directory, Damaged), overwrite: true);
                notice = $"{Newest} is damaged ({Reason(e)}, moved to {Damaged}); resuming from {Previous}";
            }
        }
        else if (File.Exists(previous))
            notice = $"{Newest} is missing (the run was killed while replacing it); resuming from {Previous}";
        else return (null, null);
        try
        {
            return (Checkpoint.Load(previous), notice);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{directory}: no usable checkpoint ({Newest} damaged or missing; {Reason(e)} in {Previous})");
        }
    }

    /// <summary>Sleeps for <see cref="PauseVariable"/> milliseconds, when set (tests only).</summary>
    internal static void TestPause()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable(PauseVariable), out int ms) && ms > 0) Thread.Sleep(ms);
    }

    private static string Reason(InvalidDataException e)
    {
        int colon = e.Message.IndexOf(": ", StringComparison.Ordinal);
        return colon >= 0 ? e.Message[(colon + 2)..] : e.Message;
    }
}
