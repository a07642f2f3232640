using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NnRnn.Cells;
using NnRnn.Experiments.Presets;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Optim;
using Xunit;

namespace NnRnn.Tests.Experiments;

/// <summary>Every preset against the seed's hyper-parameter tables, copied here once as the seed's README shows them.</summary>
public class PresetTests
{
    // The seed's "Hyperparameters for reported results" (../shared/seed/nnRNN-README.txt), verbatim.
    // Columns: Model, Hidden Size, Optimizer, LR, Orth. LR, δ, T decay, Recurrent init (PTB: Grad Clipping Value).
    private const string SeedTables = """
        Copytask
        RNN 128 RMSprop α=0.9 0.001 Glorot Normal
        RNN-orth 128 RMSprop α=0.99 0.0002 Random Orth
        EURNN 128 RMSprop α=0.5 0.001
        EURNN 256 RMSprop α=0.5 0.001
        expRNN 128 RMSprop α=0.99 0.001 0.0001 Henaff
        expRNN 176 RMSprop α=0.99 0.001 0.0001 Henaff
        nnRNN 128 RMSprop α = 0.99 0.0005 10-6 0.0001 10-6 Cayley
        sMNIST
        RNN 512 RMSprop α=0.9 0.0001 Glorot Normal
        RNN-orth 512 RMSprop α=0.99 5*10-5 Random orth
        EURNN 512 RMSprop α=0.9 0.0001
        EURNN 1024 RMSprop α=0.9 0.0001
        expRNN 512 RMSprop α=0.99 0.0005 5*10-5 Cayley
        expRNN 722 RMSprop α=0.99 5*10-5 Cayley
        nnRNN 512 RMSprop α=0.99 0.0002 2*10-5 0.1 0.0001 Cayley
        LSTM 512 RMSprop α=0.99 0.0005 Glorot Normal
        LSTM 257 RMSprop α=0.9 0.0005 Glorot Normal
        PTB
        Length=150
        RNN 1024 RMSprop α=0.9 10-5 Glorot Normal
        RNN-orth 1024 RMSprop α=0.9 0.0001 Cayley
        EURNN 1024 RMSprop α=0.9 0.001
        EURNN 2048 RMSprop α=0.9 0.001
        expRNN 1024 RMSprop α=0.9 0.001 Cayley
        expRNN 1386 RMSprop α=0.9 0.008 0.0008 Cayley
        nnRNN 1024 Adam β = (0.0,0.9) 0.002 0.0002 0.0001 10-5 Cayley 10
        Length=300
        RNN 1024 RMSprop α=0.9 10-5 Glorot Normal
        RNN-orth 1024 RMSprop α=0.9 0.0001 Cayley
        EURNN 1024 RMSprop α=0.9 0.001
        EURNN 2048 RMSprop α=0.9 0.001
        expRNN 1024 RMSprop α=0.9 0.001 Cayley
        expRNN 1386 RMSprop α=0.9 0.001 Cayley
        nnRNN 1024 Adam β = (0.0, 0.9) 0.002 0.0002 0.0001 10-6 Cayley 5
        """;

    /// <summary>A parsed row: the values its cells give (null: the cell is empty).</summary>
    private sealed record SeedRow(string Task, string Name, NetType Net, int Hidden, OptimizerKind Optimizer, double? Alpha, double[]? Betas,
        double Lr, double? LrOrth, double? Delta, double? TDecay, Initializer? Init, double? Clip, int? Bptt);

    private static readonly Regex Optimizer = new(@"^(?:RMSprop α\s*=\s*(?<alpha>[\d.]+)|Adam β\s*=\s*\((?<b1>[\d.]+),\s*(?<b2>[\d.]+)\))\s*(?<rest>.*)$");

    private static List<SeedRow> ParseTables()
    {
        var rows = new List<SeedRow>();
        string task = "";
        int? bptt = null;
        foreach (var raw in SeedTables.Split('\n'))
        {
            var line = raw.Trim();
            switch (line)
            {
                case "Copytask": task = "copytask"; continue;
                case "sMNIST": task = "psmnist"; continue;
                case "PTB": task = "ptb"; continue;
            }
            if (line.StartsWith("Length=")) { bptt = int.Parse(line["Length=".Length..]); continue; }
            var parts = line.Split(' ', 3);
            var m = Optimizer.Match(parts[2]);
            Assert.True(m.Success, line);
            var tokens = m.Groups["rest"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            var numbers = tokens.TakeWhile(IsNumber).Select(Number).ToList();
            var words = tokens.Skip(numbers.Count).TakeWhile(t => !IsNumber(t)).ToList();
            var trailing = tokens.Skip(numbers.Count + words.Count).Select(Number).ToList();
            // Cells are positional with empty ones dropped: 1 number = LR, 2 = LR and orth. LR, 4 = LR, orth. LR, δ, T decay.
            Assert.Contains(numbers.Count, new[] { 1, 2, 4 });
            var net = SeedNames.Parse<NetType>(parts[0], "net");
            int hidden = int.Parse(parts[1]);
            Initializer? init = words.Count == 0 ? null : string.Join(' ', words).ToLowerInvariant() switch
            {
                "glorot normal" => Initializer.Xavier,
                "random orth" => Initializer.Random,
                "henaff" => Initializer.Henaff,
                "cayley" => Initializer.Cayley,
                var w => throw new InvalidDataException($"unknown initialiser '{w}'"),
            };
            bool adam = m.Groups["b1"].Success;
            rows.Add(new SeedRow(task, $"{parts[0]}-{hidden}{(task == "ptb" ? $"-T{bptt}" : "")}", net, hidden,
                adam ? OptimizerKind.Adam : OptimizerKind.RMSprop,
                adam ? null : double.Parse(m.Groups["alpha"].Value, CultureInfo.InvariantCulture),
                adam ? [double.Parse(m.Groups["b1"].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups["b2"].Value, CultureInfo.InvariantCulture)] : null,
                numbers[0], numbers.Count > 1 ? numbers[1] : null, numbers.Count > 2 ? numbers[2] : null, numbers.Count > 3 ? numbers[3] : null,
                init, trailing.Count > 0 ? trailing.Single() : null, task == "ptb" ? bptt : null));
        }
        return rows;
    }

    private static bool IsNumber(string token) => Regex.IsMatch(token, @"^(\d+\*)?10-\d+$|^\d+(\.\d+)?$");

    /// <summary>"0.0005", "10-6" (10⁻⁶), "5*10-5" (5·10⁻⁵).</summary>
    private static double Number(string token)
    {
        var power = Regex.Match(token, @"^(?:(\d+)\*)?10-(\d+)$");
        return power.Success
            ? (power.Groups[1].Success ? int.Parse(power.Groups[1].Value) : 1) * Math.Pow(10, -int.Parse(power.Groups[2].Value))
            : double.Parse(token, CultureInfo.InvariantCulture);
    }

    private static RunOptions Defaults(string task) => task switch
    {
        "copytask" => new CopyTaskOptions(),
        "psmnist" => new PsmnistOptions(),
        _ => new PtbOptions(),
    };

    private static void Close(double want, double got, string what) => Assert.True(Math.Abs(want - got) <= 1e-12 * Math.Abs(want), $"{what}: table {want}, preset {got}");

    [Fact]
    public void The_parser_reads_the_table_as_the_seed_wrote_it()
    {
        var rows = ParseTables();
        Assert.Equal((7, 9, 14), (rows.Count(r => r.Task == "copytask"), rows.Count(r => r.Task == "psmnist"), rows.Count(r => r.Task == "ptb")));
        var nn = rows.Single(r => r.Name == "nnRNN-128");
        Assert.Equal((0.0005, 1e-6, 0.0001, 1e-6, Initializer.Cayley), (nn.Lr, nn.LrOrth!.Value, nn.Delta!.Value, nn.TDecay!.Value, nn.Init!.Value));
        Assert.Equal(5e-5, rows.Single(r => r.Name == "RNN-orth-512").Lr, 15);
        Assert.Equal(5.0, rows.Single(r => r.Name == "nnRNN-1024-T300").Clip);
    }

    [Fact]
    public void Every_row_of_the_seed_s_tables_is_a_preset_with_the_row_s_values_and_every_open_value_is_explained()
    {
        var rows = ParseTables();
        var presets = PresetCatalog.All.Where(p => p.InSeedTable).ToList();
        Assert.Equal(rows.Select(r => (r.Task, r.Name)).Order(), presets.Select(p => (p.Task, p.Name)).Order());
        foreach (var row in rows)
        {
            var preset = PresetCatalog.Find(row.Task, row.Name);
            var o = preset.ApplyTo(Defaults(row.Task));
            string at = $"{row.Task} {row.Name}";
            Assert.Equal(row.Name, o.Preset);
            Assert.Equal((row.Net, row.Hidden, row.Optimizer), (o.NetType, o.HiddenSize, o.Optimizer));
            if (row.Alpha is { } alpha) Close(alpha, o.Alpha, $"{at} alpha");
            if (row.Betas is { } betas) Assert.Equal(betas, o.Betas);
            Close(row.Lr, o.LearningRate, $"{at} lr");
            bool orthogonal = row.Net is NetType.ExpRnn or NetType.NnRnn, nn = row.Net == NetType.NnRnn;
            bool Chosen(string option) => preset.Choices.Any(c => c.Option == option);
            // a value the row gives is the preset's; a value the row leaves open, and the model uses, is a documented choice
            if (row.LrOrth is { } orth) Close(orth, o.OrthogonalLearningRate, $"{at} lr_orth");
            else Assert.True(!orthogonal || Chosen("lr_orth"), $"{at}: lr_orth open, no choice recorded");
            if (row.Delta is { } delta) Close(delta, o.Delta, $"{at} alam"); else Assert.False(nn, at);
            if (row.TDecay is { } decay) Close(decay, o.NonNormalDecay, $"{at} Tdecay"); else Assert.False(nn, at);
            if (row.Init is { } init) Assert.Equal(init, o.RecurrentInit);
            else Assert.True(row.Net == NetType.Eurnn && Chosen("rinit"), $"{at}: rinit open, no choice recorded");
            if (row.Task == "ptb")
            {
                var ptb = (PtbOptions)o;
                Assert.Equal(row.Bptt, ptb.Bptt);
                if (row.Clip is { } clip) Close(clip, o.Clip, $"{at} clip");
                else Assert.True(Chosen("clip"), $"{at}: clip open, no choice recorded");
            }
        }
    }

    [Fact]
    public void Presets_outside_the_tables_say_so_and_names_are_unique_per_task()
    {
        Assert.All(PresetCatalog.All.Where(p => !p.InSeedTable), p => Assert.NotEmpty(p.Choices));
        Assert.All(PresetCatalog.All.GroupBy(p => (p.Task, p.Name.ToLowerInvariant())), g => Assert.Single(g));
        Assert.Equal("expRNN-1386-T150", PresetCatalog.Find("ptb", "exprnn-1386-t150").Name);
        Assert.Equal("Preset", Assert.Throws<ArgumentException>(() => PresetCatalog.Find("adding", "nnRNN-128")).ParamName);
        Assert.Contains("nnRNN-128", Assert.Throws<ArgumentException>(() => PresetCatalog.Find("copytask", "nnRNN-999")).Message);
    }

    [Fact]
    public void Options_given_on_the_command_line_override_the_preset_and_options_json_names_it()
    {
        using var temp = new Data.TempDir();
        var dir = temp.File("run");
        // --alpha 0.99 is the command's default, but given: it beats the preset's 0.9
        var (code, _, err) = TestSupport.RunCli("copytask", "--preset", "rnn-128", "--alpha", "0.99", "--nhid", "6", "--T", "3", "--c-length", "2",
            "--steps", "2", "--batch", "2", "--out", dir);
        Assert.True(code == 0, err);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "options.json")))!;
        Assert.Equal("RNN-128", (string)json["preset"]!);
        Assert.Equal("RNN", (string)json["net-type"]!);
        Assert.Equal(0.001, (double)json["lr"]!);          // from the preset
        Assert.Equal("xavier", (string)json["rinit"]!);    // from the preset
        Assert.Equal(0.99, (double)json["alpha"]!);        // given
        Assert.Equal(6, (int)json["nhid"]!);               // given
    }

    [Fact]
    public void Unknown_presets_are_one_line_with_exit_code_2_and_nnrnn_presets_lists_every_row()
    {
        var (code, _, err) = TestSupport.RunCli("ptb", "--preset", "nnRNN-128");
        Assert.Equal(2, code);
        Assert.StartsWith("nnrnn: error: --preset: unknown preset 'nnRNN-128' for ptb", err.Trim());
        Assert.Single(err.Trim().Split('\n'));

        var (listed, output, _) = TestSupport.RunCli("presets", "ptb");
        Assert.Equal(0, listed);
        Assert.All(PresetCatalog.For("ptb"), p => Assert.Contains($"| {p.Name} |", output));
        Assert.DoesNotContain("nnRNN-128 |", output);
        Assert.Contains("lr_orth (expRNN-1024-T150, expRNN-1024-T300, expRNN-1386-T300)", output);
        Assert.Equal(2, TestSupport.RunCli("presets", "adding").Code);
    }
}
