using NnRnn.Cells;
using NnRnn.Cells.Kernels;
using NnRnn.Orthogonal;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests.Kernels;

/// <summary>
/// The C# small-shape kernels against the libtorch paths: the same fused node with its per-step
/// libtorch loops (kernels disabled) and plain per-step autograd, values and every gradient.
/// </summary>
[Collection(nameof(GlobalGenerator))]   // toggles KernelSelection.Enabled and seeds the global generator
public class SmallKernelTests
{
    private static readonly string[] Nets = { "RNN", "RNN-orth", "expRNN", "nnRNN", "LSTM", "EURNN" };

    public static IEnumerable<object[]> Cases()
        => from net in Nets
           from nonlin in net is "LSTM" or "EURNN" ? new[] { "none" } : new[] { "modrelu", "tanh", "relu", "sigmoid", "none" }
           from hidden in new[] { 20, 64 }          // 20: rows that end in a partial vector; 64: whole vectors
           select new object[] { net, nonlin, hidden };

    /// <summary>Outputs and dL/dθ (orthogonal gradients on their logs) for L = Σ H ⊙ C + penalty.</summary>
    private static (Tensor Outputs, Dictionary<string, Tensor> Grads) Run(RecurrentCell cell, Tensor x, Tensor c, UnrollMode mode, bool kernels)
    {
        bool saved = KernelSelection.Enabled;
        KernelSelection.Enabled = kernels;
        try
        {
            foreach (var p in cell.parameters()) p.grad = null;
            foreach (var f in cell.OrthogonalFactors()) f.Refresh();
            var (h, _) = SequenceRunner.Run(cell, x, null, mode);
            var loss = (h * c).sum();
            if (cell.Penalty() is { } penalty) loss = loss + penalty;
            loss.backward();
            foreach (var f in cell.OrthogonalFactors()) f.BackpropagateToLog();
            return (h.detach(), cell.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad?.clone() ?? zeros_like(p.parameter)));
        }
        finally { KernelSelection.Enabled = saved; }
    }

    private static (RecurrentCell Cell, Tensor X, Tensor C) Setup(string net, string nonlin, int hidden, ScalarType dtype, int seed)
    {
        manual_seed(seed);
        var cell = TestSupport.Cell(net, 3, hidden, nonlin, OrthogonalGradient.Frechet);
        cell.to(dtype);
        if (cell is NnRnnCell)
            using (no_grad())
                foreach (var (name, p) in cell.named_parameters())
                    if (name == "T") p.copy_(0.1 * randn_like(p));
        var x = randn(new long[] { 30, 5, 3 }, dtype);
        var c = randn(new long[] { 30, 5, cell.OutputSize }, dtype);
        return (cell, x, c);
    }

    private static void AssertClose(Tensor actual, Tensor expected, double tolerance, string what)
    {
        double error = TestSupport.RelativeError(actual, expected);
        Assert.True(error <= tolerance, $"{what}: relative error {error:E2} > {tolerance:E0}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_kernels_match_the_libtorch_loops_and_per_step_autograd(string net, string nonlin, int hidden)
    {
        using var scope = NewDisposeScope();
        var (cell, x, c) = Setup(net, nonlin, hidden, ScalarType.Float32, 21);
        long before = KernelSelection.SmallRuns;
        var kernel = Run(cell, x, c, UnrollMode.Fused, kernels: true);
        Assert.True(KernelSelection.SmallRuns > before, "the small kernel did not run");
        long afterKernel = KernelSelection.SmallRuns;
        var loops = Run(cell, x, c, UnrollMode.Fused, kernels: false);
        var steps = Run(cell, x, c, UnrollMode.StepByStep, kernels: false);
        Assert.Equal(afterKernel, KernelSelection.SmallRuns);
        // float32 roundings only: different summation orders over 30 steps, relative to each tensor's magnitude
        AssertClose(kernel.Outputs, loops.Outputs, 1e-5, $"{net}/{nonlin}/{hidden} outputs vs libtorch loops");
        AssertClose(kernel.Outputs, steps.Outputs, 1e-5, $"{net}/{nonlin}/{hidden} outputs vs per-step autograd");
        foreach (var name in kernel.Grads.Keys)
        {
            AssertClose(kernel.Grads[name], loops.Grads[name], 1e-4, $"{net}/{nonlin}/{hidden} d/d{name} vs libtorch loops");
            AssertClose(kernel.Grads[name], steps.Grads[name], 1e-4, $"{net}/{nonlin}/{hidden} d/d{name} vs per-step autograd");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64_kernels_match_per_step_autograd(string net, string nonlin, int hidden)
    {
        using var scope = NewDisposeScope();
        var (cell, x, c) = Setup(net, nonlin, hidden, ScalarType.Float64, 22);
        long before = KernelSelection.SmallRuns;
        var kernel = Run(cell, x, c, UnrollMode.Fused, kernels: true);
        Assert.True(KernelSelection.SmallRuns > before, "the small kernel did not run");
        var steps = Run(cell, x, c, UnrollMode.StepByStep, kernels: false);
        AssertClose(kernel.Outputs, steps.Outputs, 1e-12, $"{net}/{nonlin}/{hidden} outputs");
        foreach (var name in kernel.Grads.Keys)
            AssertClose(kernel.Grads[name], steps.Grads[name], 1e-10, $"{net}/{nonlin}/{hidden} d/d{name}");
    }

    [Fact]
    public void Large_steps_and_disabled_kernels_use_the_libtorch_loops()
    {
        using var scope = NewDisposeScope();
        var like = zeros(1);
        Assert.True(KernelSelection.UseSmallKernel(like, 10, 128, 128));
        Assert.False(KernelSelection.UseSmallKernel(like, 100, 512, 2048));   // LSTM N = 512, batch 100: libtorch measured faster
        Assert.False(KernelSelection.UseSmallKernel(zeros(1, ScalarType.Int64), 10, 128, 128));
        KernelSelection.Enabled = false;
        try { Assert.False(KernelSelection.UseSmallKernel(like, 10, 128, 128)); }
        finally { KernelSelection.Enabled = true; }
    }
}
