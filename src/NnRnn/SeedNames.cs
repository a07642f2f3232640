using NnRnn.Cells;
using NnRnn.Nonlinearities;
using NnRnn.Optim;
using NnRnn.Orthogonal;

namespace NnRnn;

/// <summary>
/// How the seed (the paper's code and README) spells each configuration value, e.g.
/// <see cref="NetType.RnnOrth"/> is <c>RNN-orth</c>: what options.json and the command line use.
/// </summary>
public static class SeedNames
{
    private static readonly Dictionary<Type, (Enum Value, string Name)[]> Table = new()
    {
        [typeof(NetType)] = [(NetType.Rnn, "RNN"), (NetType.RnnOrth, "RNN-orth"), (NetType.ExpRnn, "expRNN"),
            (NetType.NnRnn, "nnRNN"), (NetType.Lstm, "LSTM"), (NetType.Eurnn, "EURNN")],
        [typeof(Initializer)] = [(Initializer.Xavier, "xavier"), (Initializer.Kaiming, "kaiming"), (Initializer.Henaff, "henaff"),
            (Initializer.Cayley, "cayley"), (Initializer.Random, "random")],
        [typeof(Activation)] = [(Activation.None, "none"), (Activation.Tanh, "tanh"), (Activation.Relu, "relu"),
            (Activation.Sigmoid, "sigmoid"), (Activation.ModRelu, "modrelu")],
        [typeof(OptimizerKind)] = [(OptimizerKind.RMSprop, "RMSprop"), (OptimizerKind.Adam, "Adam")],
        [typeof(OrthogonalGradient)] = [(OrthogonalGradient.Frechet, "frechet"), (OrthogonalGradient.Autograd, "autograd")],
        [typeof(UnrollMode)] = [(UnrollMode.Fused, "fused"), (UnrollMode.StepByStep, "steps")],
        [typeof(InitStyle)] = [(InitStyle.Original, "original"), (InitStyle.Documented, "documented")],
    };

    /// <summary>The seed's spelling of <paramref name="value"/>.</summary>
    public static string Of<T>(T value) where T : struct, Enum => Of(typeof(T), value);

    /// <summary>The seed's spelling of an enum value of a type listed here (else its C# name).</summary>
    public static string Of(Type type, Enum value)
        => Table.TryGetValue(type, out var names) ? names.First(n => n.Value.Equals(value)).Name : value.ToString();

    /// <summary>Every value of <typeparamref name="T"/>, spelled as the seed does.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Table[typeof(T)].Select(n => n.Name).ToArray();

    /// <summary>Reads a seed spelling (or the C# name), ignoring case; an unknown name throws <see cref="ArgumentException"/> for <paramref name="paramName"/>.</summary>
    public static T Parse<T>(string text, string paramName) where T : struct, Enum => (T)Parse(typeof(T), text, paramName);

    /// <summary>Reads a seed spelling of an enum value of <paramref name="type"/>; see <see cref="Parse{T}"/>.</summary>
    public static Enum Parse(Type type, string text, string paramName)
    {
        var names = Table[type];
        foreach (var (value, name) in names)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase) || string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase))
                return value;
        throw new ArgumentException($"unknown value '{text}' (expected one of: {string.Join(", ", names.Select(n => n.Name))})", paramName);
    }

    /// <summary>Whether <paramref name="type"/> has seed spellings here.</summary>
    public static bool Knows(Type type) => Table.ContainsKey(type);
}
