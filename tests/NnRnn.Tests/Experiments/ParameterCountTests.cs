using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Nonlinearities;
using NnRnn.Orthogonal;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests.Experiments;

/// <summary><see cref="ParameterCount"/> against the models the tasks really build, and <see cref="ParameterMatch"/>'s choice.</summary>
public sealed class ParameterCountTests : IDisposable
{
    private readonly Data.TempDir temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>A PTB corpus of 7 characters plus &lt;eos&gt;.</summary>
    private string Corpus()
    {
        var dir = temp.File("ptb");
        Directory.CreateDirectory(dir);
        foreach (var name in new[] { "train", "valid", "test" })
            File.WriteAllText(Path.Combine(dir, $"{name}.txt"), string.Concat(Enumerable.Repeat("a b c _ d e\nf g _ a\n", 30)));
        return dir;
    }

    private IEnumerable<RunOptions> Tasks(NetType net, int n, Activation activation, bool fft)
    {
        RunOptions[] all =
        [
            new CopyTaskOptions { Delay = 3, CopyLength = 2 },
            new CopyTaskOptions { Delay = 3, CopyLength = 2, OneHot = true, Labels = 5 },
            new AddingOptions { SequenceLength = 4 },
            new PsmnistOptions(),
            new PtbOptions { DataDir = Corpus(), Emsize = 5 },
        ];
        return all.Select(o => o with { NetType = net, HiddenSize = n, Activation = activation, Fft = fft, Capacity = 3,
            RecurrentInit = net is NetType.Rnn or NetType.Lstm ? Initializer.Xavier : Initializer.Cayley, Gradient = OrthogonalGradient.Autograd });
    }

    public static TheoryData<string, int, string, bool> Nets() => new()
    {
        { "RNN", 6, "modrelu", false }, { "RNN", 5, "tanh", false }, { "RNN-orth", 6, "modrelu", false },
        { "expRNN", 6, "modrelu", false }, { "expRNN", 8, "tanh", false }, { "nnRNN", 6, "modrelu", false }, { "nnRNN", 8, "relu", false },
        { "LSTM", 5, "modrelu", false }, { "EURNN", 6, "modrelu", false }, { "EURNN", 8, "modrelu", true },
    };

    [Theory, MemberData(nameof(Nets))]
    public void The_counts_are_those_of_the_model_each_task_builds(string net, int n, string nonlin, bool fft)
    {
        foreach (var options in Tasks(SeedNames.Parse<NetType>(net, "net"), n, SeedNames.Parse<Activation>(nonlin, "nonlin"), fft))
        {
            var shape = options.ModelShape();
            var want = ParameterCount.Of(options.CellSpec(shape.InputSize), shape);
            using var task = options.CreateTask();
            if (options is not PsmnistOptions) task.LoadData();   // psMNIST builds its model without the images
            using var generators = new RunGenerators();
            generators.Seed(options.RandomSeed);
            task.Build(generators);
            string at = $"{net} N={n} {options.GetType().Name}";
            Assert.True(want.Stored == task.Model.parameters().Sum(p => p.numel()), $"{at}: stored {want.Stored}: " + string.Join(", ", task.Model.named_parameters().Select(p => $"{p.name} {p.parameter.numel()}")));
            Assert.True(want.Free == UsedEntries(task.Model, shape), $"{at}: free {want.Free}, used {UsedEntries(task.Model, shape)}");
        }
    }

    /// <summary>Parameter entries with a non-zero gradient after a forward and backward on random data: the entries the model uses.</summary>
    private static long UsedEntries(nn.Module model, ModelShape shape)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using (no_grad())
            foreach (var p in model.parameters())
            {
                // a generic point: at the initialisation nnRNN's T = 0 makes W blind to rotations of P inside Λ's 2×2 blocks
                p.add_(0.1 * randn_like(p));
                p.grad = null;
            }
        if (model.modules().OfType<RecurrentCell>().Single() is var cell) foreach (var f in cell.OrthogonalFactors()) f.Refresh();
        var output = model switch
        {
            // a batch wide enough that no unit is silent (ReLU, modReLU) on all of it
            ReadoutModel readout => readout.forward(randn(4, 64, shape.InputSize)),
            LanguageModel language => language.forward(Tokens(shape.EmbeddingRows), null).Logits,
            _ => throw new InvalidOperationException(model.GetType().Name),
        };
        (output * randn_like(output)).sum().backward();
        return model.parameters().Sum(p => p.grad is null ? 0 : p.grad.ne(0).sum().item<long>());
    }

    /// <summary>Random tokens [4, 64] whose first row holds every token.</summary>
    private static Tensor Tokens(long vocabulary)
    {
        var tokens = randint(vocabulary, [4, 64], dtype: ScalarType.Int64);
        tokens[0, TensorIndex.Slice(0, vocabulary)] = arange(vocabulary);
        return tokens;
    }

    [Theory]
    [InlineData("RNN", 1000L)]
    [InlineData("nnRNN", 5000L)]
    [InlineData("expRNN", 777L)]
    [InlineData("LSTM", 3000L)]
    [InlineData("EURNN", 2500L)]
    public void Matching_picks_the_allowed_size_whose_count_is_closest(string net, long target)
    {
        var spec = new CellSpec(SeedNames.Parse<NetType>(net, "net"), 1, 2);
        var shape = new ModelShape(1, 9);
        var match = ParameterMatch.Find(spec, shape, target);
        int step = net is "nnRNN" or "EURNN" ? 2 : 1;
        Assert.Equal(0, match.HiddenSize % step);
        long Distance(int n) => Math.Abs(ParameterCount.Of(spec with { HiddenSize = n }, shape).Free - target);
        Assert.Equal(ParameterCount.Of(spec with { HiddenSize = match.HiddenSize }, shape), match.Count);
        for (int n = step; n <= 4 * match.HiddenSize; n += step)
            Assert.True(Distance(match.HiddenSize) <= Distance(n), $"{net}: N={n} is closer to {target} than {match.HiddenSize}");
    }

    [Fact]
    public void A_count_reached_exactly_gives_its_size_back_and_fft_sizes_are_powers_of_two()
    {
        var shape = new ModelShape(200, 50, 50);   // PTB: emsize 200, 50 characters
        foreach (var (net, n) in new[] { (NetType.ExpRnn, 1386), (NetType.NnRnn, 1024), (NetType.Eurnn, 2048), (NetType.Rnn, 1024) })
        {
            var spec = new CellSpec(net, 200, n);
            Assert.Equal(n, ParameterMatch.Find(spec, shape, ParameterCount.Of(spec, shape).Free).HiddenSize);
        }
        var fft = ParameterMatch.Find(new CellSpec(NetType.Eurnn, 1, 2, Fft: true), new ModelShape(1, 9), 5000);
        Assert.Equal(0, fft.HiddenSize & (fft.HiddenSize - 1));
    }

    [Fact]
    public void Match_params_prints_both_counts_and_refuses_an_explicit_nhid()
    {
        using var run = new Data.TempDir();
        var dir = run.File("r");
        var (code, output, err) = TestSupport.RunCli("copytask", "--net-type", "LSTM", "--match-params", "3000", "--T", "3", "--c-length", "2",
            "--steps", "1", "--batch", "2", "--out", dir);
        Assert.True(code == 0, err);
        var spec = new CellSpec(NetType.Lstm, 1, 2);
        var match = ParameterMatch.Find(spec, new CopyTaskOptions().ModelShape(), 3000);
        Assert.Contains($"LSTM with nhid {match.HiddenSize} has {match.Count.Free} parameters", output);
        Assert.Contains($"\"nhid\": {match.HiddenSize}", File.ReadAllText(Path.Combine(dir, "options.json")));

        var (refused, _, message) = TestSupport.RunCli("copytask", "--match-params", "3000", "--nhid", "8");
        Assert.Equal(2, refused);
        Assert.Contains("--match-params: cannot be combined with --nhid", message);
    }
}
