using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Nonlinearities;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>
/// Tests that seed libtorch's global generator (manual_seed) and build models from it run here, one
/// after another; training runs own their generators, so every other test runs in parallel.
/// </summary>
[CollectionDefinition(nameof(GlobalGenerator), DisableParallelization = true)]
public sealed class GlobalGenerator;

/// <summary>
/// A run's own generator draws exactly what the global generator drew after manual_seed with the
/// same seed (the same distributions in the same order), so initial parameters, and with them every
/// run, are unchanged by owning the generator.
/// </summary>
[Collection(nameof(GlobalGenerator))]
public sealed class GlobalGeneratorTests
{
    public static TheoryData<NetType, Activation, Initializer> Cells => new()
    {
        { NetType.Rnn, Activation.Relu, Initializer.Xavier },
        { NetType.Rnn, Activation.ModRelu, Initializer.Kaiming },
        { NetType.RnnOrth, Activation.Tanh, Initializer.Random },
        { NetType.ExpRnn, Activation.ModRelu, Initializer.Henaff },
        { NetType.NnRnn, Activation.ModRelu, Initializer.Cayley },
        { NetType.Lstm, Activation.Tanh, Initializer.Cayley },
        { NetType.Lstm, Activation.Tanh, Initializer.Xavier },
        { NetType.Eurnn, Activation.ModRelu, Initializer.Cayley },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void A_run_generator_gives_the_parameters_the_seeded_global_generator_gave(NetType net, Activation activation, Initializer init)
    {
        var spec = new CellSpec(net, 3, 6, activation, init, Initializer.Xavier);
        manual_seed(17);
        using var global = new PerStepReadoutModel(CellFactory.Create(spec), 5);
        using var generator = new Generator(17);
        using var owned = new PerStepReadoutModel(CellFactory.Create(spec with { Generator = generator }), 5, generator: generator);
        AssertSameParameters(global, owned);
    }

    [Fact]
    public void The_language_model_and_classifier_read_outs_too()
    {
        var spec = new CellSpec(NetType.NnRnn, 4, 6);
        manual_seed(3);
        using var global = new LanguageModel(CellFactory.Create(spec), 11);
        using var g = new Generator(3);
        using var owned = new LanguageModel(CellFactory.Create(spec with { Generator = g }), 11, g);
        AssertSameParameters(global, owned);

        manual_seed(4);
        using var globalClassifier = new SequenceClassifier(CellFactory.Create(spec), 10);
        using var g4 = new Generator(4);
        using var ownedClassifier = new SequenceClassifier(CellFactory.Create(spec with { Generator = g4 }), 10, generator: g4);
        AssertSameParameters(globalClassifier, ownedClassifier);
    }

    [Theory]
    [InlineData(Initializer.Xavier)]
    [InlineData(Initializer.Kaiming)]
    public void The_initialisers_draw_what_torch_nn_init_draws(Initializer init)
    {
        using var expected = empty(7, 5);
        manual_seed(9);
        using (no_grad())
        {
            if (init == Initializer.Xavier) nn.init.xavier_normal_(expected);
            else nn.init.kaiming_normal_(expected);
        }
        using var got = empty(7, 5);
        using var g = new Generator(9);
        WeightInit.Apply(got, init, "init", g);
        Assert.True(got.eq(expected).all().item<bool>(), $"differs by {(got - expected).abs().max().item<float>()}: {string.Join(",", got.data<float>().Take(4))} vs {string.Join(",", expected.data<float>().Take(4))}");
    }

    [Fact]
    public void Linear_and_embedding_defaults_draw_what_torch_draws()
    {
        manual_seed(5);
        using var linear = nn.Linear(6, 4);
        using var embedding = nn.Embedding(9, 3);
        using var g = new Generator(5);
        using var ownLinear = WeightInit.Linear(6, 4, true, g);
        using var ownEmbedding = WeightInit.Embedding(9, 3, g);
        AssertSameParameters(linear, ownLinear);
        AssertSameParameters(embedding, ownEmbedding);
    }

    private static void AssertSameParameters(TorchSharp.torch.nn.Module a, TorchSharp.torch.nn.Module b)
    {
        var left = a.named_parameters().ToList();
        var right = b.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(left.Count, right.Count);
        foreach (var (name, p) in left)
            Assert.True(p.eq(right[name]).all().item<bool>(), $"{name} differs by {(p - right[name]).abs().max().item<float>()}");
    }
}
