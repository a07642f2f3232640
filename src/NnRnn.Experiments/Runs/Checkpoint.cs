using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NnRnn.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Runs;

/// <summary>
/// Everything needed to continue a run exactly: the model, both optimizers, every random
/// generator and any carried tensors (named binary sections), plus JSON metadata (position,
/// schedule, best scores). One file ending in a SHA-256 of its contents, written to a temporary name
/// and renamed; <see cref="CheckpointFiles"/> keeps the previous one beside it.
/// </summary>
public sealed class Checkpoint
{
    private const string Magic = "NNRNNCK2";
    // Checkpoints written before the checksum (no trailer); still read, e.g. the behaviour fixtures' stopped runs.
    private const string LegacyMagic = "NNRNNCK1";
    private const int HashSize = 32;
    private readonly Dictionary<string, byte[]> sections = new();

    /// <summary>Position and bookkeeping of the run (task-specific keys).</summary>
    public JsonObject Meta { get; private set; } = new();

    public void PutModule(string name, nn.Module module) => Put(name, w => module.save(w));

    /// <summary>
    /// Loads a module's tensors (written by <see cref="PutModule"/>, always as CPU tensors) into the
    /// module wherever it lives: each is read on the CPU and copied in place, so the parameters the
    /// optimizer holds stay the same objects (TorchSharp's own load moves a CUDA module to the CPU
    /// and back, replacing them).
    /// </summary>
    public void LoadModule(string name, nn.Module module) => Get(name, r => DeviceIndependent.LoadModule(r, module, name));

    public void PutOptimizer(string name, OptimizerHelper optimizer) => Put(name, w => optimizer.save_state_dict(w));

    /// <summary>Loads an optimizer's state onto <paramref name="device"/> (its parameters' device).</summary>
    public void LoadOptimizer(string name, OptimizerHelper optimizer, Device? device = null)
        => Get(name, r => DeviceIndependent.LoadOptimizer(r, optimizer, device));

    public void PutTensor(string name, Tensor tensor) => Put(name, w => tensor.detach().cpu().Save(w));

    /// <summary>Stores both optimizers' state (moments, step counts, learning rates).</summary>
    public void PutOptimizers(RecurrentOptimizer optimizer)
    {
        PutOptimizer("optimizer.main", optimizer.Main);
        if (optimizer.Orthogonal is { } orthogonal) PutOptimizer("optimizer.orthogonal", orthogonal);
    }

    /// <summary>Restores what <see cref="PutOptimizers"/> stored; the orthogonal matrices are rebuilt.</summary>
    public void LoadOptimizers(RecurrentOptimizer optimizer)
    {
        LoadOptimizer("optimizer.main", optimizer.Main, optimizer.Device);
        if (optimizer.Orthogonal is { } orthogonal) LoadOptimizer("optimizer.orthogonal", orthogonal, optimizer.Device);
        optimizer.RefreshOrthogonalMatrices();
    }

    /// <summary>
    /// Writes a typed state record into <see cref="Meta"/> (its JSON names are the record's):
    /// the one place a checkpoint's bookkeeping is serialised.
    /// </summary>
    public void PutState<T>(T state) where T : class
    {
        foreach (var (key, value) in JsonSerializer.SerializeToNode(state, StateJson)!.AsObject())
            Meta[key] = value?.DeepClone();
    }

    /// <summary>Reads the record <see cref="PutState"/> wrote (unknown keys, e.g. the metrics row count, are ignored).</summary>
    public T GetState<T>() where T : class
        => Meta.Deserialize<T>(StateJson) ?? throw new InvalidDataException($"checkpoint: no {typeof(T).Name}");

    private static readonly JsonSerializerOptions StateJson = new();

    public Tensor GetTensor(string name)
    {
        Tensor? result = null;
        Get(name, r => result = TensorExtensionMethods.Load(r));
        return result!;
    }

    public void PutGenerator(string name, Generator generator) => PutTensor(name, generator.get_state());

    public void LoadGenerator(string name, Generator generator)
    {
        using var state = GetTensor(name);
        generator.set_state(state);
    }

    public bool Has(string name) => sections.ContainsKey(name);

    /// <summary>
    /// The file's bytes: magic, metadata, sections, then a SHA-256 of everything before it, so a
    /// flipped bit or a truncation is found on load instead of resuming from a damaged state.
    /// </summary>
    public byte[] ToBytes()
    {
        using var memory = new MemoryStream();
        using (var w = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Meta.ToJsonString());
            w.Write(sections.Count);
            foreach (var (name, bytes) in sections)
            {
                w.Write(name);
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        }
        memory.Write(SHA256.HashData(memory.GetBuffer().AsSpan(0, (int)memory.Length)));
        return memory.ToArray();
    }

    /// <summary>Writes atomically (temporary file in the same directory, flushed to disk, then renamed).</summary>
    public void Save(string path)
    {
        var bytes = ToBytes();
        var temp = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                // A test hook (the kill-and-resume soak test): pause halfway through the write so that kills land inside it.
                int half = bytes.Length / 2;
                stream.Write(bytes, 0, half);
                stream.Flush();
                CheckpointFiles.TestPause();
                stream.Write(bytes, half, bytes.Length - half);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Reads and verifies a checkpoint; a damaged, truncated or foreign file throws <see cref="InvalidDataException"/>.</summary>
    public static Checkpoint Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            var magic = r.ReadString();
            if (magic == Magic)
            {
                if (bytes.Length < HashSize || !SHA256.HashData(bytes.AsSpan(0, bytes.Length - HashSize)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashSize)))
                    throw new InvalidDataException($"{path}: checksum mismatch (damaged or truncated)");
            }
            else if (magic != LegacyMagic) throw new InvalidDataException($"{path}: not an nnrnn checkpoint");
            var checkpoint = new Checkpoint { Meta = JsonNode.Parse(r.ReadString())!.AsObject() };
            int count = r.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                var name = r.ReadString();
                int length = r.ReadInt32();
                if (length < 0 || length > bytes.Length) throw new InvalidDataException($"{path}: damaged section '{name}'");
                checkpoint.sections[name] = r.ReadBytes(length);
            }
            return checkpoint;
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: truncated or damaged checkpoint");
        }
    }

    private void Put(string name, Action<BinaryWriter> write)
    {
        using var memory = new MemoryStream();
        using (var w = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true)) write(w);
        sections[name] = memory.ToArray();
    }

    private void Get(string name, Action<BinaryReader> read)
    {
        if (!sections.TryGetValue(name, out var bytes))
            throw new InvalidDataException($"checkpoint has no section '{name}'");
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        read(r);
    }
}
