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
/// of the difference of two averages (sampling error only), plus float32 rounding.
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

    private static List<string> Departures(string model, InitStyle style)
    {
        var fixture = Fixture;
        int hidden = (int)fixture["hidden"]!, outputs = (int)fixture["outputs"]!, seeds = (int)fixture["seeds"]!;
        var reference = fixture["models"]![model]!.AsObject();
        var ours = Sample(model, style, hidden, outputs, seeds);
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
    private static Dictionary<string, Dictionary<string, List<double>>> Sample(string model, InitStyle style, int hidden, int outputs, int seeds)
    {
        var (net, rinit) = Models[model];
        var result = new Dictionary<string, Dictionary<string, List<double>>>();
        for (int seed = 0; seed < seeds; seed++)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)(1000 + seed));
            var cell = CellFactory.Create(new CellSpec(net, 1, hidden, RecurrentInit: rinit, Generator: generator, Init: style));
            var readout = new PerStepReadoutModel(cell, outputs, generator: generator, style: style);
            foreach (var (name, value) in Values(cell, readout))
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
    private static IEnumerable<(string, Tensor)> Values(RecurrentCell cell, PerStepReadoutModel model)
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
