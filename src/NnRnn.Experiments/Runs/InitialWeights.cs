using System.Collections;
using NnRnn.Experiments.Training;
using NnRnn.Optim;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Runs;

/// <summary>
/// <c>--init-from FILE.pt</c>: replaces a freshly built model's weights by those of a PyTorch state
/// dict (a run's model.pt or best.pt, or one saved by PyTorch with the same names). The names must
/// match exactly, both ways, and every shape too; otherwise one line names the missing and
/// unexpected keys or the first mismatched shape, and nothing is changed.
/// </summary>
public static class InitialWeights
{
    private const int Shown = 5;

    public static void Load(nn.Module model, RecurrentOptimizer optimizer, string path)
    {
        CopyInto(model, path);
        optimizer.RefreshOrthogonalMatrices();   // the orthogonal matrices are rebuilt from the loaded skew coordinates
    }

    /// <summary>
    /// Copies the state dict in <paramref name="path"/> into <paramref name="model"/>'s tensors in place,
    /// wherever they live (read on the CPU); the caller rebuilds cached orthogonal matrices.
    /// </summary>
    public static void CopyInto(nn.Module model, string path)
    {
        var loaded = Read(path);
        try
        {
            var own = model.state_dict();
            var missing = own.Keys.Where(k => !loaded.ContainsKey(k)).ToList();
            var unexpected = loaded.Keys.Where(k => !own.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw Error(path, $"does not fit the model: {Keys("missing", missing)}{(missing.Count > 0 && unexpected.Count > 0 ? "; " : "")}{Keys("unexpected", unexpected)}");
            foreach (var (name, tensor) in own)
                if (!loaded[name].shape.SequenceEqual(tensor.shape))
                    throw Error(path, $"'{name}' has shape {Shape(loaded[name])}, the model needs {Shape(tensor)}");
            using (no_grad())
                foreach (var (name, tensor) in own) tensor.copy_(loaded[name]);
        }
        finally
        {
            foreach (var t in loaded.Values) t.Dispose();
        }
    }

    private static Dictionary<string, Tensor> Read(string path)
    {
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Error(path, $"is not a PyTorch state dict ({ex.Message.Split('\n')[0]})");
        }
        var result = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
            if (entry.Key is string name && entry.Value is Tensor t) result[name] = t;
        return result;
    }

    private static string Keys(string what, List<string> keys) => keys.Count == 0 ? ""
        : $"{keys.Count} {what} ({string.Join(", ", keys.Take(Shown))}{(keys.Count > Shown ? ", ..." : "")})";

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";

    private static ArgumentException Error(string path, string message) => new($"{path}: {message}", nameof(RunOptions.InitFrom));
}
