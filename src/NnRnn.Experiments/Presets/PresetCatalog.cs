using NnRnn.Cells;
using NnRnn.Experiments.Training;
using static NnRnn.Cells.Initializer;
using static NnRnn.Cells.NetType;
using static NnRnn.Optim.OptimizerKind;

namespace NnRnn.Experiments.Presets;

/// <summary>
/// The seed's hyper-parameter tables ("Hyperparameters for reported results" in the seed's
/// README: copy task, sMNIST, PTB at T_PTB = 150 and 300), one preset per row. This is the only
/// place they are written down; <c>PresetTests</c> checks every preset against a literal copy of
/// the seed's table text.
/// </summary>
public static class PresetCatalog
{
    /// <summary>The commands that have presets.</summary>
    public static readonly string[] Tasks = ["copytask", "psmnist", "ptb"];

    // Every row that gives both learning rates has lr_orth = lr / 10; rows that give one rate get that ratio.
    private static readonly PresetChoice OrthRatio = new("lr_orth", "not in the table: lr / 10, the ratio of every row that gives both rates");
    private static readonly PresetChoice EurnnInit = new("rinit", "EURNN has no recurrent initialiser (its rotation angles start uniform in [-pi, pi])");
    private static readonly PresetChoice EurnnCapacity = new("capacity", "not in the table: 2 rotation layers (tunable space), the command's default");
    private static readonly PresetChoice NoClip = new("clip", "the table gives a clipping value for nnRNN only: 0 (off)");

    public static IReadOnlyList<Preset> All { get; } = Build();

    /// <summary>What the tables never give, per command (applies to every preset of it).</summary>
    public static IReadOnlyList<string> Notes(string task) => task switch
    {
        "copytask" => [
            "nonlin: modrelu, iinit: xavier (not in the table; the reference script's defaults)",
            "batch 10, steps 1500, T 200 (not in the table; the seed's figure is T = 200 over 1500 updates at batch 10)",
            "alam, Tdecay: used by nnRNN only; lr_orth: by expRNN and nnRNN only",
        ],
        "psmnist" => [
            "nonlin: modrelu, iinit: xavier (not in the table; the reference script's defaults)",
            "batch 100, epochs 100 (not in the table: the command's defaults)",
            "the table is sMNIST's; add --permute for the permuted task of the seed's figure",
            "alam, Tdecay: used by nnRNN only; lr_orth: by expRNN and nnRNN only",
        ],
        "ptb" => [
            "nonlin: modrelu, iinit: xavier, emsize 200, batch 128, epochs 100 (not in the table; the reference script's defaults)",
            "T150/T300 set --bptt 150/300",
            "alam, Tdecay: used by nnRNN only; lr_orth: by expRNN and nnRNN only",
        ],
        _ => [],
    };

    /// <summary>The presets of <paramref name="task"/> (empty when it has none).</summary>
    public static IEnumerable<Preset> For(string task) => All.Where(p => p.Task == task);

    /// <summary>The preset named <paramref name="name"/> (any case) of <paramref name="task"/>; one line listing the names otherwise.</summary>
    public static Preset Find(string task, string name)
    {
        var known = For(task).ToList();
        if (known.Count == 0)
            throw new ArgumentException($"{task} has no presets (the seed's tables cover {string.Join(", ", Tasks)})", nameof(RunOptions.Preset));
        return known.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
               ?? throw new ArgumentException($"unknown preset '{name}' for {task} (known: {string.Join(", ", known.Select(p => p.Name))})", nameof(RunOptions.Preset));
    }

    private static Preset Row(string task, NetType net, int n, double lr, string suffix = "")
        => new(task, $"{SeedNames.Of(net)}-{n}{suffix}", net, n, RMSprop, lr);

    private static List<Preset> Build()
    {
        var all = new List<Preset>
        {
            // Copy task (T = 200)
            Row("copytask", Rnn, 128, 0.001) with { Alpha = 0.9, RecurrentInit = Xavier,
                Choices = [new("lr", "the row reads 'RMSprop α=0.9 0.001': alpha 0.9, lr 0.001")] },
            Row("copytask", RnnOrth, 128, 0.0002) with { Alpha = 0.99, RecurrentInit = Initializer.Random },
            Row("copytask", Eurnn, 128, 0.001) with { Alpha = 0.5, Choices = [EurnnInit, EurnnCapacity] },
            Row("copytask", Eurnn, 256, 0.001) with { Alpha = 0.5, Choices = [EurnnInit, EurnnCapacity] },
            Row("copytask", ExpRnn, 128, 0.001) with { Alpha = 0.99, OrthogonalLearningRate = 0.0001, RecurrentInit = Henaff },
            Row("copytask", ExpRnn, 176, 0.001) with { Alpha = 0.99, OrthogonalLearningRate = 0.0001, RecurrentInit = Henaff },
            Row("copytask", NetType.NnRnn, 128, 0.0005) with { Alpha = 0.99, OrthogonalLearningRate = 1e-6, Delta = 0.0001, NonNormalDecay = 1e-6, RecurrentInit = Cayley },
            Row("copytask", Lstm, 128, 0.0005) with { Alpha = 0.99, RecurrentInit = Xavier, InSeedTable = false,
                Choices = [new("lr", "no LSTM row in the copy-task table (its figure shows one): RMSprop alpha 0.99, lr 5e-4, xavier, as nnRNN's row")] },

            // sMNIST
            Row("psmnist", Rnn, 512, 0.0001) with { Alpha = 0.9, RecurrentInit = Xavier },
            Row("psmnist", RnnOrth, 512, 5e-5) with { Alpha = 0.99, RecurrentInit = Initializer.Random },
            Row("psmnist", Eurnn, 512, 0.0001) with { Alpha = 0.9, Choices = [EurnnInit, EurnnCapacity] },
            Row("psmnist", Eurnn, 1024, 0.0001) with { Alpha = 0.9, Choices = [EurnnInit, EurnnCapacity] },
            Row("psmnist", ExpRnn, 512, 0.0005) with { Alpha = 0.99, OrthogonalLearningRate = 5e-5, RecurrentInit = Cayley },
            Row("psmnist", ExpRnn, 722, 5e-5) with { Alpha = 0.99, OrthogonalLearningRate = 5e-6, RecurrentInit = Cayley,
                Choices = [new("lr_orth", "the row gives one rate (5e-5), read as lr; lr_orth = lr / 10, the ratio of every row that gives both")] },
            Row("psmnist", NetType.NnRnn, 512, 0.0002) with { Alpha = 0.99, OrthogonalLearningRate = 2e-5, Delta = 0.1, NonNormalDecay = 0.0001, RecurrentInit = Cayley },
            Row("psmnist", Lstm, 512, 0.0005) with { Alpha = 0.99, RecurrentInit = Xavier },
            Row("psmnist", Lstm, 257, 0.0005) with { Alpha = 0.9, RecurrentInit = Xavier },
        };
        foreach (int t in new[] { 150, 300 })
        {
            string s = $"-T{t}";
            all.AddRange(
            [
                Row("ptb", Rnn, 1024, 1e-5, s) with { Alpha = 0.9, RecurrentInit = Xavier, Clip = 0, Bptt = t, Choices = [NoClip] },
                Row("ptb", RnnOrth, 1024, 0.0001, s) with { Alpha = 0.9, RecurrentInit = Cayley, Clip = 0, Bptt = t, Choices = [NoClip] },
                Row("ptb", Eurnn, 1024, 0.001, s) with { Alpha = 0.9, Clip = 0, Bptt = t, Choices = [EurnnInit, EurnnCapacity, NoClip] },
                Row("ptb", Eurnn, 2048, 0.001, s) with { Alpha = 0.9, Clip = 0, Bptt = t, Choices = [EurnnInit, EurnnCapacity, NoClip] },
                Row("ptb", ExpRnn, 1024, 0.001, s) with { Alpha = 0.9, OrthogonalLearningRate = 0.0001, RecurrentInit = Cayley, Clip = 0, Bptt = t, Choices = [OrthRatio, NoClip] },
                t == 150
                    ? Row("ptb", ExpRnn, 1386, 0.008, s) with { Alpha = 0.9, OrthogonalLearningRate = 0.0008, RecurrentInit = Cayley, Clip = 0, Bptt = t, Choices = [NoClip] }
                    : Row("ptb", ExpRnn, 1386, 0.001, s) with { Alpha = 0.9, OrthogonalLearningRate = 0.0001, RecurrentInit = Cayley, Clip = 0, Bptt = t, Choices = [OrthRatio, NoClip] },
                Row("ptb", NetType.NnRnn, 1024, 0.002, s) with { Optimizer = Adam, Betas = [0.0, 0.9], OrthogonalLearningRate = 0.0002, Delta = 0.0001,
                    NonNormalDecay = t == 150 ? 1e-5 : 1e-6, RecurrentInit = Cayley, Clip = t == 150 ? 10 : 5, Bptt = t },
            ]);
        }
        return all;
    }
}
