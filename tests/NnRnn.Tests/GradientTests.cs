using NnRnn.Cells;
using NnRnn.Orthogonal;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests;

/// <summary>Gradients of every cell: finite differences in float64, fused vs per-step BPTT, Fréchet vs autograd.</summary>
[Collection(nameof(GlobalGenerator))]   // seeds libtorch's global generator
public class GradientTests
{
    private static readonly string[] Nets = { "RNN", "RNN-orth", "expRNN", "nnRNN", "LSTM", "EURNN" };

    /// <summary>L = Σ H ⊙ C + penalty, with the orthogonal matrices rebuilt from their logs.</summary>
    private static Tensor Loss(RecurrentCell cell, Tensor x, Tensor c, UnrollMode mode)
    {
        foreach (var f in cell.OrthogonalFactors()) f.Refresh();
        var (h, _) = SequenceRunner.Run(cell, x, null, mode);
        var loss = (h * c).sum();
        return cell.Penalty() is { } p ? loss + p : loss;
    }

    /// <summary>dL/dθ for every parameter (orthogonal gradients moved onto their logs).</summary>
    private static Dictionary<string, Tensor> Gradients(RecurrentCell cell, Tensor x, Tensor c, UnrollMode mode)
    {
        foreach (var p in cell.parameters()) p.grad = null;
        Loss(cell, x, c, mode).backward();
        foreach (var f in cell.OrthogonalFactors()) f.BackpropagateToLog();
        return cell.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad?.clone() ?? zeros_like(p.parameter));
    }

    private static (RecurrentCell Cell, Tensor X, Tensor C) Setup(string net, string nonlin, OrthogonalGradient route, int seed)
    {
        manual_seed(seed);
        var cell = TestSupport.Cell(net, 3, 6, nonlin, route);
        cell.to(ScalarType.Float64);
        if (cell is NnRnnCell)
            using (no_grad())
                foreach (var (name, p) in cell.named_parameters())
                    if (name == "T") p.copy_(0.1 * randn_like(p));        // move off T = 0 so its gradient matters
                    else if (name == "gamma") p.add_(0.1 * randn_like(p));
        var x = randn(5, 2, 3, ScalarType.Float64);
        var c = randn(5, 2, cell.OutputSize, ScalarType.Float64);
        return (cell, x, c);
    }

    public static IEnumerable<object[]> Cases()
        => from net in Nets
           from nonlin in net is "LSTM" or "EURNN" ? new[] { "none" } : new[] { "modrelu", "tanh", "relu", "sigmoid", "none" }
           select new object[] { net, nonlin };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_central_finite_differences(string net, string nonlin)
    {
        using var scope = NewDisposeScope();
        var (cell, x, c) = Setup(net, nonlin, OrthogonalGradient.Frechet, 7);
        var grads = Gradients(cell, x, c, UnrollMode.Fused);
        const double eps = 1e-6;
        using var _ = no_grad();
        foreach (var (name, p) in cell.named_parameters())
        {
            var flat = p.view(-1);
            var g = grads[name].view(-1);
            for (long i = 0; i < flat.shape[0]; i++)
            {
                double old = flat[i].item<double>();
                flat[i] = old + eps;
                double up = Loss(cell, x, c, UnrollMode.Fused).item<double>();
                flat[i] = old - eps;
                double down = Loss(cell, x, c, UnrollMode.Fused).item<double>();
                flat[i] = old;
                double fd = (up - down) / (2 * eps);
                double ad = g[i].item<double>();
                Assert.True(Math.Abs(fd - ad) <= 1e-6 + 1e-5 * Math.Abs(fd),
                    $"{net}/{nonlin} d/d{name}[{i}]: autograd {ad}, finite differences {fd}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_backprop_through_time_equals_per_step_autograd(string net, string nonlin)
    {
        using var scope = NewDisposeScope();
        var (cell, x, c) = Setup(net, nonlin, OrthogonalGradient.Frechet, 11);
        var fused = Gradients(cell, x, c, UnrollMode.Fused);
        var steps = Gradients(cell, x, c, UnrollMode.StepByStep);
        using var _ = no_grad();
        var (hf, _) = SequenceRunner.Run(cell, x, null, UnrollMode.Fused);
        var (hs, _) = SequenceRunner.Run(cell, x, null, UnrollMode.StepByStep);
        Assert.True(TestSupport.RelativeError(hf, hs) < 1e-12);
        foreach (var name in fused.Keys)
            Assert.True(TestSupport.RelativeError(fused[name], steps[name]) < 1e-10, $"{net}/{nonlin} {name}");
    }

    [Theory]
    [InlineData("LSTM")]
    [InlineData("nnRNN")]
    [InlineData("RNN")]
    public void Gradients_through_the_final_state_and_a_given_initial_state_agree(string net)
    {
        using var scope = NewDisposeScope();
        var (cell, x, c) = Setup(net, "tanh", OrthogonalGradient.Frechet, 13);
        var weights = cell.InitialState(2, dtype: ScalarType.Float64).Parts.Select(p => randn_like(p)).ToArray();
        var starts = cell.InitialState(2, dtype: ScalarType.Float64).Parts.Select(p => randn_like(p)).ToArray();
        Dictionary<string, Tensor> Grads(UnrollMode mode, out Tensor[] startGrads)
        {
            foreach (var p in cell.parameters()) p.grad = null;
            var start = new RecurrentState(starts.Select(s => s.clone().requires_grad_(true)).ToArray());
            var (h, final) = SequenceRunner.Run(cell, x, start, mode);
            var loss = (h * c).sum();
            for (int k = 0; k < final.Count; k++) loss = loss + (final[k] * weights[k]).sum();
            loss.backward();
            startGrads = start.Parts.Select(p => p.grad!.clone()).ToArray();
            return cell.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad?.clone() ?? zeros_like(p.parameter));
        }
        var fused = Grads(UnrollMode.Fused, out var fusedStart);
        var steps = Grads(UnrollMode.StepByStep, out var stepStart);
        foreach (var name in fused.Keys)
            Assert.True(TestSupport.RelativeError(fused[name], steps[name]) < 1e-10, $"{net} {name}");
        for (int k = 0; k < fusedStart.Length; k++)
            Assert.True(TestSupport.RelativeError(fusedStart[k], stepStart[k]) < 1e-10, $"{net} initial state part {k}");
    }

    [Theory]
    [InlineData("expRNN")]
    [InlineData("nnRNN")]
    public void Frechet_route_equals_autograd_through_the_exponential(string net)
    {
        using var scope = NewDisposeScope();
        var (frechetCell, x, c) = Setup(net, "modrelu", OrthogonalGradient.Frechet, 3);
        var (autogradCell, _, _) = Setup(net, "modrelu", OrthogonalGradient.Autograd, 3);
        // move the skew coordinates away from the block-diagonal init so every entry matters
        using (no_grad())
        {
            var noise = 0.3 * randn(6, 6, ScalarType.Float64);
            frechetCell.OrthogonalFactors().Single().Log.add_(noise);
            autogradCell.OrthogonalFactors().Single().Log.add_(noise);
        }
        var a = Gradients(frechetCell, x, c, UnrollMode.Fused);
        var b = Gradients(autogradCell, x, c, UnrollMode.Fused);
        var logName = a.Keys.Single(k => k.EndsWith("log"));
        Assert.True(b[logName].abs().max().item<double>() > 1e-3, "the log gradient is not trivially zero");
        foreach (var name in a.Keys)
            Assert.True(TestSupport.RelativeError(a[name], b[name]) <= 1e-10, $"{net} {name}: {TestSupport.RelativeError(a[name], b[name])}");
    }

    [Fact]
    public void Activation_derivatives_match_autograd()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        foreach (var kind in Enum.GetValues<NnRnn.Nonlinearities.Activation>())
        {
            var sigma = NnRnn.Nonlinearities.Nonlinearity.Create(kind, 8);
            sigma.to(ScalarType.Float64);
            var z = randn(4, 8, ScalarType.Float64).requires_grad_(true);
            var h = sigma.forward(z);
            var dh = randn(4, 8, ScalarType.Float64);
            (h * dh).sum().backward();
            var dz = dh * sigma.Derivative(h.detach());
            Assert.True(TestSupport.RelativeError(dz, z.grad!) < 1e-12, kind.ToString());
            if (sigma.Bias is { } b)
                Assert.True(TestSupport.RelativeError(sigma.BiasGradient(h.detach(), dz)!, b.grad!) < 1e-12, kind + " bias");
        }
    }
}
