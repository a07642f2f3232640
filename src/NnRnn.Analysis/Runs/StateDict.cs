using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NnRnn.Analysis.Runs;

/// <summary>
/// A PyTorch state dict (model.pt, best.pt) read without building the model: names → float64
/// tensors. Parameters are found by their name inside the cell (e.g. <c>P.log</c> matches
/// <c>rnn.P.log</c>), so the read-out and the model wrapper do not matter.
/// </summary>
public sealed class StateDict : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;

    private StateDict(string path, Dictionary<string, Tensor> tensors) => (Path, this.tensors) = (path, tensors);

    public string Path { get; }

    public IReadOnlyCollection<string> Names => tensors.Keys;

    public static StateDict Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such state dict file");
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: not a PyTorch state dict ({ex.Message.Split('\n')[0]})");
        }
        var result = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
            if (entry.Key is string name && entry.Value is Tensor t)
            {
                result[name] = t.to_type(ScalarType.Float64);
                t.Dispose();
            }
        return new StateDict(path, result);
    }

    /// <summary>The tensor whose name is <paramref name="name"/> or ends with "." + name; one line naming the file when absent.</summary>
    public Tensor Get(string name)
    {
        var matches = tensors.Where(kv => kv.Key == name || kv.Key.EndsWith("." + name, StringComparison.Ordinal)).ToList();
        if (matches.Count == 1) return matches[0].Value;
        if (matches.Count == 0) throw new InvalidDataException($"{Path}: no parameter '{name}' (has: {string.Join(", ", tensors.Keys.Order())})");
        throw new InvalidDataException($"{Path}: several parameters named '{name}' ({string.Join(", ", matches.Select(m => m.Key))})");
    }

    public void Dispose()
    {
        foreach (var t in tensors.Values) t.Dispose();
    }
}
