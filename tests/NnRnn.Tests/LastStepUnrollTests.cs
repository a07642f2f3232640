using NnRnn.Cells;
using NnRnn.Cells.Kernels;
using NnRnn.Nonlinearities;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>
/// Sequence classification reads the last step only: <see cref="SequenceRunner.RunLast"/> (the fused
/// Elman and LSTM nodes returning h_T, its backward starting from dL/dh_T alone) must give the values and
/// gradients of <see cref="SequenceRunner.Run"/>'s last output, on the small-shape kernels and on the
/// large (BLAS) path, and per-step autograd must agree.
/// </summary>
public class LastStepUnrollTests
{
    [Theory]
    [InlineData("RNN", "modrelu", false)]
    [InlineData("RNN", "modrelu", true)]
    [InlineData("RNN", "tanh", true)]
    [InlineData("expRNN", "modrelu", true)]
    [InlineData("nnRNN", "modrelu", false)]
    [InlineData("nnRNN", "modrelu", true)]
    [InlineData("LSTM", "tanh", false)]
    [InlineData("LSTM", "tanh", true)]
    public void The_last_step_alone_has_the_full_unrolls_value_and_gradients(string net, string nonlin, bool large)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var cell = CellFactory.Create(new CellSpec(SeedNames.Parse<NetType>(net, "net"), 3, 24, SeedNames.Parse<Activation>(nonlin, "nonlin"),
            net is "RNN" or "LSTM" ? Initializer.Xavier : Initializer.Cayley, Generator: generator));
        var x = randn(new long[] { 40, 6, 3 }, generator: generator).requires_grad_();
        var c = randn(new long[] { 6, cell.OutputSize }, generator: generator);
        KernelSelection.ForceLargeOnThisThread = large;
        try
        {
            long elementwise = KernelSelection.ElementwiseRuns;
            var last = TestSupport.CellGradients(cell, x, c, () => SequenceRunner.RunLast(cell, x));
            Assert.Equal(large, KernelSelection.ElementwiseRuns > elementwise);
            var full = TestSupport.CellGradients(cell, x, c, () => SequenceRunner.Run(cell, x).Outputs[-1]);
            var steps = TestSupport.CellGradients(cell, x, c, () => SequenceRunner.RunLast(cell, x, mode: UnrollMode.StepByStep));
            Assert.True(TestSupport.RelativeError(last.Value, full.Value) <= 1e-6, "value vs the full unroll");
            Assert.True(TestSupport.RelativeError(last.Value, steps.Value) <= 1e-5, "value vs per-step autograd");
            Assert.Equal(full.Grads.Length, last.Grads.Length);
            for (int i = 0; i < last.Grads.Length; i++)
            {
                Assert.True(TestSupport.RelativeError(last.Grads[i], full.Grads[i]) <= 1e-6, $"gradient {i} vs the full unroll");
                Assert.True(TestSupport.RelativeError(last.Grads[i], steps.Grads[i]) <= 1e-4, $"gradient {i} vs per-step autograd");
            }
        }
        finally { KernelSelection.ForceLargeOnThisThread = false; }
    }
}
