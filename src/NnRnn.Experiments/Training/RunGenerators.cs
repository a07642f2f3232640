using NnRnn.Experiments.Runs;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Training;

/// <summary>
/// The random generators a run owns and checkpoints: <see cref="Initialization"/> (every parameter's
/// initial draw, seeded with <c>--random-seed</c>) and the tasks' own (data, shuffling). Nothing on
/// the training path draws from libtorch's global generator, so two runs in one process (two
/// threads) never interleave their draws; a checkpoint restores every registered generator.
/// </summary>
public sealed class RunGenerators : IDisposable
{
    private const string InitializationName = "rng.init";
    // Checkpoints written before the run owned its initialisation generator stored the global one here.
    private const string LegacyGlobalName = "rng.global";
    private readonly List<(string Name, Func<Tensor> State, Action<Tensor> Restore, Action? WhenMissing)> generators = [];
    private Generator? initialization;

    /// <summary>The generator every parameter's initial value is drawn from (after <see cref="Seed"/>).</summary>
    public Generator Initialization => initialization ?? throw new InvalidOperationException("the run's generators are not seeded yet");

    /// <summary>
    /// Seeds the initialisation generator (before the model is built). A generator seeded with s
    /// gives the same stream as libtorch's global one after manual_seed(s), so runs keep the numbers
    /// they had when initialisation used the global generator.
    /// </summary>
    public void Seed(long seed)
    {
        initialization?.Dispose();
        initialization = new Generator((ulong)seed);
    }

    /// <summary>A task generator, checkpointed with its current state.</summary>
    public void Add(string name, Generator generator) => Add(name, generator.get_state, state => generator.set_state(state));

    /// <summary>A task generator with its own notion of the state to save (e.g. the state at the start of an epoch).</summary>
    /// <param name="name">Its section in the checkpoint.</param>
    /// <param name="state">Its state to save.</param>
    /// <param name="restore">Restores a saved state.</param>
    /// <param name="whenMissing">
    /// Called instead of <paramref name="restore"/> for a checkpoint without the section (written
    /// before the generator existed); null: such a checkpoint is an error.
    /// </param>
    public void Add(string name, Func<Tensor> state, Action<Tensor> restore, Action? whenMissing = null) => generators.Add((name, state, restore, whenMissing));

    public void Save(Checkpoint checkpoint)
    {
        foreach (var (name, state, _, _) in generators)
        {
            var tensor = state();
            checkpoint.PutTensor(name, tensor);
        }
        using var init = Initialization.get_state();
        checkpoint.PutTensor(InitializationName, init);
    }

    public void Load(Checkpoint checkpoint)
    {
        foreach (var (name, _, restore, whenMissing) in generators)
        {
            if (whenMissing is not null && !checkpoint.Has(name)) { whenMissing(); continue; }
            using var state = checkpoint.GetTensor(name);
            restore(state);
        }
        var saved = checkpoint.Has(InitializationName) ? InitializationName : LegacyGlobalName;
        using var init = checkpoint.GetTensor(saved);
        Initialization.set_state(init);
    }

    public void Dispose() => initialization?.Dispose();
}
