using System.Text.Json.Nodes;
using NnRnn.Cells;
using NnRnn.Experiments.Models;
using NnRnn.Orthogonal;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>
/// Issue 11, item 2: with <c>--init original</c> every initial parameter of every model follows the
/// distribution the reference code draws. Fixtures/init_stats.json holds, per parameter, the mean and
/// standard deviation over 40 seeds of four statistics of the reference's draw (mean, std, min, max,
/// and the orthogonality error of orthogonal matrices); scripts/fidelity/init_stats.py regenerates it.
/// We draw as many seeds and compare each statistic's average; the tolerance is 5 standard errors
/// of the difference of two averages (sampling error only), plus float32 rounding. Its "ptb" section
/// holds the same for the PTB language models as language_task.py builds them.
/// </summary>
public sealed class InitDistributionTests
{
    private static readonly Dictionary<string, (NetType Net, Initializer Rinit)> Models = new()
    {
        ["RNN"] = (NetType.Rnn, Initializer.Xavier),
        ["RNN-orth"] = (NetType.RnnOrth, Initializer.Random),
        ["expRNN"] = (NetType.ExpRnn, Initializer.Henaff),
        ["nnRNN"] = (NetType.NnRnn, Initializer.Cayley),
        ["LSTM"] = (NetType.Lstm, Initializer.Xavier),
    };

    private static JsonNode Fixture => JsonNode.Parse(File.ReadAllText(TestSupport.Fixture("init_stats.json")))!;

    [Theory]
    [InlineData("RNN")]
    [InlineData("RNN-orth")]
    [InlineData("expRNN")]
    [InlineData("nnRNN")]
    [InlineData("LSTM")]
    public void Original_init_draws_what_the_reference_draws(string model)
    {
        var departures = Departures(model, InitStyle.Original);
        Assert.True(departures.Count == 0, string.Join("\n", departures));
    }

    [Theory]
    [InlineData("nnRNN", "rnn.U.weight")]       // the reference ignores --iinit here: U(-1, 1), not Glorot
    [InlineData("RNN-orth", "expm(rnn.V.weight)")] // the reference keeps expm(skew(default Linear)), near I
    public void Documented_init_departs_where_the_reference_has_a_defect(string model, string parameter)
    {
        // The comparison can fail: the documented draw of a defect's parameter is told apart.
        Assert.Contains(Departures(model, InitStyle.Documented), d => d.StartsWith(parameter + " "));
    }

    [Theory]
    [InlineData("expRNN")]
    [InlineData("nnRNN")]
    public void Original_init_of_the_ptb_language_model_draws_what_language_task_draws(string model)
    {
        // Embedding and decoder U(-0.1, 0.1), decoder bias 0, the cell with language_task.py's
        // --iinit kaiming and the seed's --rinit cayley (fixture section "ptb").
        var departures = PtbDepartures(model, Initializer.Kaiming);
        Assert.True(departures.Count == 0, string.Join("\n", departures));
    }

    [Fact]
    public void Ptb_input_kernel_drawn_with_another_scheme_departs()
    {
        // The comparison can fail: expRNN's input kernel drawn Glorot (σ = √(2/(fan_in + fan_out))) is told apart from kaiming.
        Assert.Contains(PtbDepartures("expRNN", Initializer.Xavier), d => d.StartsWith("rnn.U.weight "));
    }

    private static List<string> PtbDepartures(string model, Initializer inputInit)
    {
        var ptb = Fixture["ptb"]!;
        int hidden = (int)ptb["hidden"]!, emsize = (int)ptb["emsize"]!, vocabulary = (int)ptb["vocabulary"]!, seeds = (int)ptb["seeds"]!;
        var net = model == "expRNN" ? NetType.ExpRnn : NetType.NnRnn;
        var ours = Sample(generator =>
        {
            var cell = CellFactory.Create(new CellSpec(net, emsize, hidden, RecurrentInit: Initializer.Cayley, InputInit: inputInit,
                Generator: generator, Init: InitStyle.Original));
            return (cell, new LanguageModel(cell, vocabulary, generator));
        }, seeds);
        return Compare(ptb["models"]![model]!.AsObject(), ours, seeds);
    }

    private static List<string> Departures(string model, InitStyle style)
    {
        var fixture = Fixture;
        int hidden = (int)fixture["hidden"]!, outputs = (int)fixture["outputs"]!, seeds = (int)fixture["seeds"]!;
        var reference = fixture["models"]![model]!.AsObject();
        var (net, rinit) = Models[model];
        var ours = Sample(generator =>
        {
            var cell = CellFactory.Create(new CellSpec(net, 1, hidden, RecurrentInit: rinit, Generator: generator, Init: style));
            return (cell, new PerStepReadoutModel(cell, outputs, generator: generator, style: style));
        }, seeds);
        return Compare(reference, ours, seeds);
    }

    /// <summary>Each statistic's average over our seeds against the reference's, within sampling error.</summary>
    private static List<string> Compare(JsonObject reference, Dictionary<string, Dictionary<string, List<double>>> ours, int seeds)
    {
        var departures = new List<string>();
        Assert.Equal(reference.Select(p => p.Key).Order(), ours.Keys.Order());
        foreach (var (name, statistics) in reference)
            foreach (var (stat, value) in statistics!.AsObject())
            {
                double refMean = (double)value!["mean"]!, refSd = (double)value["sd"]!;
                var xs = ours[name][stat];
                double mean = xs.Average(), sd = Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1));
                double tolerance = stat == "orth"
                    ? 1e-4                                  // orthogonal to float32 rounding on both sides
                    : 5 * Math.Sqrt(refSd * refSd / seeds + sd * sd / xs.Count) + 1e-6 * (1 + Math.Abs(refMean));
                if (Math.Abs(mean - refMean) > tolerance && !(stat == "orth" && mean < tolerance))
                    departures.Add($"{name} {stat}: ours {mean:G4} ± {sd:G3}, reference {refMean:G4} ± {refSd:G3} (tolerance {tolerance:G3})");
            }
        return departures;
    }

    /// <summary>Per parameter (the fixture's names), per statistic, its value for each seed.</summary>
    private static Dictionary<string, Dictionary<string, List<double>>> Sample(Func<Generator, (RecurrentCell, nn.Module)> build, int seeds)
    {
        var result = new Dictionary<string, Dictionary<string, List<double>>>();
        for (int seed = 0; seed < seeds; seed++)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)(1000 + seed));
            var (cell, module) = build(generator);
            foreach (var (name, value) in Values(cell, module))
            {
                var v = value.detach().to_type(float64);
                var s = new Dictionary<string, double>
                {
                    ["mean"] = v.mean().item<double>(), ["std"] = v.std(unbiased: false).item<double>(),
                    ["min"] = v.min().item<double>(), ["max"] = v.max().item<double>(),
                };
                if (name.StartsWith("expm("))
                    s["orth"] = (v.t().matmul(v) - eye(v.shape[0], dtype: float64)).abs().max().item<double>();
                foreach (var (stat, x) in s)
                {
                    if (!result.TryGetValue(name, out var byStat)) result[name] = byStat = new();
                    if (!byStat.TryGetValue(stat, out var list)) byStat[stat] = list = new();
                    list.Add(x);
                }
            }
        }
        return result;
    }

    /// <summary>The parameters under the fixture's names: skew coordinates as skew(log), orthogonal matrices as expm(...).</summary>
    internal static IEnumerable<(string, Tensor)> Values(RecurrentCell cell, nn.Module model)
    {
        foreach (var (name, p) in model.named_parameters())
        {
            if (name == "rnn.P.log" && cell is NnRnnCell nn)
            {
                yield return ("skew(rnn.P.log)", Skew.FromFree(p));
                yield return ("expm(rnn.P.log)", nn.Schur.Matrix());
            }
            else if (name == "rnn.orthogonal.log" && cell is ExpRnnCell exp)
            {
                yield return ("skew(rnn.orthogonal.log)", Skew.FromFree(p));
                yield return ("expm(rnn.orthogonal.log)", exp.Orthogonal.Matrix());
            }
            else if (name == "rnn.V.weight" && cell.Kind == NetType.RnnOrth)
                yield return ("expm(rnn.V.weight)", p);
            else
                yield return (name, p);
        }
    }
}
