using NnRnn.Experiments.Runs;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Training;

/// <summary>
/// The random generators a run owns and checkpoints: libtorch's global generator (initialisation,
/// seeded with <c>--random-seed</c>) and the tasks' own (data, shuffling). Every generator a run
/// draws from is registered here, so a checkpoint restores them all.
/// </summary>
public sealed class RunGenerators
{
    private const string GlobalName = "rng.global";
    private readonly List<(string Name, Func<Tensor> State, Action<Tensor> Restore)> generators = [];

    /// <summary>Seeds the global generator (before the model is built).</summary>
    public void Seed(long seed) => manual_seed(seed);

    /// <summary>A task generator, checkpointed with its current state.</summary>
    public void Add(string name, Generator generator) => Add(name, generator.get_state, state => generator.set_state(state));

    /// <summary>A task generator with its own notion of the state to save (e.g. the state at the start of an epoch).</summary>
    public void Add(string name, Func<Tensor> state, Action<Tensor> restore) => generators.Add((name, state, restore));

    public void Save(Checkpoint checkpoint)
    {
        foreach (var (name, state, _) in generators)
        {
            var tensor = state();
            checkpoint.PutTensor(name, tensor);
        }
        using var global = get_rng_state();
        checkpoint.PutTensor(GlobalName, global);
    }

    public void Load(Checkpoint checkpoint)
    {
        foreach (var (name, _, restore) in generators)
            using (var state = checkpoint.GetTensor(name)) restore(state);
        using var global = checkpoint.GetTensor(GlobalName);
        set_rng_state(global);
    }
}
