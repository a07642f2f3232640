using NnRnn.Cells;
using NnRnn.Cells.Kernels;
using NnRnn.Orthogonal;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests.Kernels;

/// <summary>
/// Large shapes on the CPU: the recurrent products go through the BLAS and the element-wise work per
/// step through the kernels. Forced here at a small size (the path is chosen by shape) and compared
/// with the libtorch loops and with per-step autograd, values and every gradient.
/// </summary>
[Collection(nameof(GlobalGenerator))]   // toggles KernelSelection.Enabled and seeds the global generator
public class ElementwiseKernelTests
{
    private static (Tensor Outputs, Dictionary<string, Tensor> Grads) Run(RecurrentCell cell, Tensor x, Tensor c, UnrollMode mode, bool kernels)
    {
        bool saved = KernelSelection.Enabled;
        KernelSelection.Enabled = kernels;
        KernelSelection.ForceLargeOnThisThread = true;
        try
        {
            foreach (var p in cell.parameters()) p.grad = null;
            var (h, _) = SequenceRunner.Run(cell, x, null, mode);
            (h * c).sum().backward();
            // an orthogonal factor's log has none after backward (the Fréchet route computes it later)
            return (h.detach(), cell.named_parameters().Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
        }
        finally
        {
            KernelSelection.Enabled = saved;
            KernelSelection.ForceLargeOnThisThread = false;
        }
    }

    private static void AssertClose(Tensor actual, Tensor expected, double tolerance, string what)
    {
        double error = TestSupport.RelativeError(actual, expected);
        Assert.True(error <= tolerance, $"{what}: relative error {error:E2} > {tolerance:E0}");
    }

    [Theory]
    [InlineData("RNN", "modrelu", 20, ScalarType.Float32)]   // rows ending in a partial vector
    [InlineData("RNN", "modrelu", 64, ScalarType.Float64)]
    [InlineData("RNN", "tanh", 64, ScalarType.Float32)]
    [InlineData("RNN", "sigmoid", 36, ScalarType.Float32)]
    [InlineData("RNN", "relu", 36, ScalarType.Float32)]
    [InlineData("expRNN", "modrelu", 64, ScalarType.Float32)]
    [InlineData("nnRNN", "none", 32, ScalarType.Float32)]
    public void Elman_blas_products_with_kernel_elementwise_match_libtorch_and_autograd(string net, string nonlin, int hidden, ScalarType dtype)
        => AssertHybridMatches(net, nonlin, hidden, dtype, seed: 37);

    [Theory]
    [InlineData(20, ScalarType.Float32)]   // rows ending in a partial vector
    [InlineData(64, ScalarType.Float32)]
    [InlineData(20, ScalarType.Float64)]
    public void Lstm_blas_products_with_kernel_elementwise_match_libtorch_and_autograd(int hidden, ScalarType dtype)
        => AssertHybridMatches("LSTM", "none", hidden, dtype, seed: 31);

    /// <summary>The kernel pass on the large path against the libtorch loops and per-step autograd: outputs and every gradient.</summary>
    private static void AssertHybridMatches(string net, string nonlin, int hidden, ScalarType dtype, int seed)
    {
        using var scope = NewDisposeScope();
        manual_seed(seed);
        var cell = TestSupport.Cell(net, 3, hidden, nonlin, OrthogonalGradient.Frechet);
        cell.to(dtype);
        var x = randn(new long[] { 30, 5, 3 }, dtype);
        var c = randn(new long[] { 30, 5, cell.OutputSize }, dtype);
        long small = KernelSelection.SmallRuns, before = KernelSelection.ElementwiseRuns;
        var hybrid = Run(cell, x, c, UnrollMode.Fused, kernels: true);
        Assert.True(KernelSelection.ElementwiseRuns > before, "the element-wise kernel did not run");
        Assert.Equal(small, KernelSelection.SmallRuns);
        var loops = Run(cell, x, c, UnrollMode.Fused, kernels: false);
        var steps = Run(cell, x, c, UnrollMode.StepByStep, kernels: false);
        var (outTol, gradTol) = dtype == ScalarType.Float64 ? (1e-12, 1e-10) : (1e-5, 1e-4);
        AssertClose(hybrid.Outputs, loops.Outputs, outTol, "outputs vs libtorch loops");
        AssertClose(hybrid.Outputs, steps.Outputs, outTol, "outputs vs per-step autograd");
        foreach (var name in hybrid.Grads.Keys)
        {
            AssertClose(hybrid.Grads[name], loops.Grads[name], gradTol, $"d/d{name} vs libtorch loops");
            AssertClose(hybrid.Grads[name], steps.Grads[name], gradTol, $"d/d{name} vs per-step autograd");
        }
    }
}
