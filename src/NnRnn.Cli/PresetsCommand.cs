using System.CommandLine;
using System.Globalization;
using NnRnn.Cells;
using NnRnn.Experiments.Presets;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Optim;

namespace NnRnn.Cli;

/// <summary>
/// <c>nnrnn presets [TASK]</c>: the seed's hyper-parameter rows as Markdown tables, with the values
/// the seed's tables leave open marked (*) and explained, and "-" where the model has no use for a value.
/// </summary>
public static class PresetsCommand
{
    public static Command Create()
    {
        var task = new Argument<string?>("TASK") { Description = $"one of {string.Join(", ", PresetCatalog.Tasks)} (default: all)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("presets", "List the presets (the seed's hyper-parameter tables) of the training commands.");
        command.Arguments.Add(task);
        command.SetAction(r => CommandLine.Guard(() =>
        {
            var chosen = r.GetValue(task);
            if (chosen is not null && !PresetCatalog.Tasks.Contains(chosen))
                throw new ArgumentException($"TASK: no presets for '{chosen}' (expected one of: {string.Join(", ", PresetCatalog.Tasks)})");
            foreach (var t in chosen is null ? PresetCatalog.Tasks : [chosen]) Print(t);
            return 0;
        }));
        return command;
    }

    private static void Print(string task)
    {
        var presets = PresetCatalog.For(task).ToList();
        bool ptb = task == "ptb";
        Console.WriteLine($"## {task} (--preset NAME)");
        Console.WriteLine();
        var header = new List<string> { "preset", "net-type", "nhid", "optimizer", "lr", "lr_orth", "alam", "Tdecay", "rinit" };
        if (ptb) header.AddRange(["clip", "bptt"]);
        Console.WriteLine("| " + string.Join(" | ", header) + " |");
        Console.WriteLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var p in presets)
        {
            var o = p.ApplyTo(Defaults(task));
            bool orthogonal = p.NetType is NetType.ExpRnn or NetType.NnRnn, nn = p.NetType == NetType.NnRnn;
            string Mark(string option, string value) => p.Choices.Any(c => c.Option == option) ? value + "*" : value;
            var cells = new List<string>
            {
                p.Name + (p.InSeedTable ? "" : " (not in the seed's table)"),
                SeedNames.Of(p.NetType), p.HiddenSize.ToString(CultureInfo.InvariantCulture),
                o.Optimizer == OptimizerKind.Adam ? $"Adam β=({Num(o.Betas[0])}, {Num(o.Betas[1])})" : $"RMSprop α={Num(o.Alpha)}",
                Mark("lr", Num(o.LearningRate)),
                Mark("lr_orth", orthogonal ? Num(o.OrthogonalLearningRate) : "-"),
                nn ? Num(o.Delta) : "-", nn ? Num(o.NonNormalDecay) : "-",
                Mark("rinit", p.NetType == NetType.Eurnn ? "-" : SeedNames.Of(o.RecurrentInit)),
            };
            if (ptb) cells.AddRange([Mark("clip", Num(o.Clip)), Num(((PtbOptions)o).Bptt)]);
            Console.WriteLine("| " + string.Join(" | ", cells) + " |");
        }
        Console.WriteLine();
        Console.WriteLine("Where the seed's table leaves a value open or needs reading (*):");
        foreach (var (option, why, names) in presets.SelectMany(p => p.Choices.Select(c => (c.Option, c.Why, p.Name)))
                     .GroupBy(c => (c.Option, c.Why)).Select(g => (g.Key.Option, g.Key.Why, string.Join(", ", g.Select(c => c.Name)))))
            Console.WriteLine($"- {option} ({names}): {why}");
        foreach (var note in PresetCatalog.Notes(task)) Console.WriteLine($"- {note}");
        Console.WriteLine();
    }

    private static RunOptions Defaults(string task) => task switch
    {
        "copytask" => new CopyTaskOptions(),
        "psmnist" => new PsmnistOptions(),
        _ => new PtbOptions(),
    };

    private static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture).Replace("E-0", "e-").Replace("E-", "e-");
}
