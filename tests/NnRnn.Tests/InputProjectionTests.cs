using NnRnn.Cells;
using NnRnn.Devices;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>
/// The pooled input projection of the large Elman recurrences (one input feature as psMNIST, several
/// as PTB's embeddings; with and without bias) against nn.Linear: values and every gradient.
/// </summary>
public class InputProjectionTests
{
    [Theory]
    [InlineData(1, true, false, 512)]
    [InlineData(1, false, true, 512)]
    [InlineData(1, true, false, 1027)]   // one feature: the C# kernel; a width off its vector grid
    [InlineData(7, true, true, 512)]
    [InlineData(7, false, false, 512)]
    public void Matches_linear_in_values_and_gradients(int inputs, bool bias, bool inputGrad, int width)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var linear = nn.Linear(inputs, width, bias);
        using (no_grad())
        {
            linear.weight!.normal_(0, 1, generator);
            linear.bias?.normal_(0, 1, generator);
        }
        var x = randn(new long[] { 80, 64, inputs }, generator: generator).requires_grad_(inputGrad);
        var c = randn(new long[] { 80, 64, width }, generator: generator);
        Assert.True(InputProjection.Worthwhile(x, width), "the shape is below the pool's threshold: the test would not run the node");

        var pooled = InputProjection.Apply(x, linear.weight!, linear.bias);
        (pooled * c).sum().backward();
        var got = (pooled.detach().clone(), linear.weight!.grad!.clone(), linear.bias?.grad?.clone(), x.grad?.clone());
        foreach (var p in linear.parameters()) p.grad = null;
        x.grad = null;

        var plain = linear.forward(x);
        (plain * c).sum().backward();
        Assert.True(TestSupport.RelativeError(got.Item1, plain.detach()) <= 1e-6, "values");
        Assert.True(TestSupport.RelativeError(got.Item2, linear.weight!.grad!) <= 1e-5, "dL/dU");
        if (bias) Assert.True(TestSupport.RelativeError(got.Item3!, linear.bias!.grad!) <= 1e-5, "dL/db");
        if (inputGrad) Assert.True(TestSupport.RelativeError(got.Item4!, x.grad!) <= 1e-5, "dL/dx");
        else Assert.Null(got.Item4);
    }

    [Theory]
    [InlineData("nnRNN")]
    [InlineData("RNN")]
    [InlineData("LSTM")]
    public void A_large_cell_with_the_pooled_projection_has_per_step_autograds_gradients(string net)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        long hidden = 512, width = hidden;
        var cell = CellFactory.Create(new CellSpec(SeedNames.Parse<NetType>(net, "net"), 1, hidden, Generator: generator));
        var x = randn(new long[] { 80, 64, 1 }, generator: generator);
        var c = randn(new long[] { 64, cell.OutputSize }, generator: generator);
        Assert.True(InputProjection.Worthwhile(x, width), "below the pool's threshold: the node would not run");
        var fused = Gradients(cell, () => SequenceRunner.RunLast(cell, x), c);
        var steps = Gradients(cell, () => SequenceRunner.RunLast(cell, x, mode: UnrollMode.StepByStep), c);
        Assert.True(TestSupport.RelativeError(fused.Value, steps.Value) <= 1e-5, "values");
        foreach (var (name, grad) in fused.Grads)
            Assert.True(TestSupport.RelativeError(grad, steps.Grads[name]) <= 1e-4, $"d/d{name}");
    }

    private static (Tensor Value, Dictionary<string, Tensor> Grads) Gradients(RecurrentCell cell, Func<Tensor> run, Tensor c)
    {
        foreach (var p in cell.parameters()) p.grad = null;
        var h = run();
        (h * c).sum().backward();
        return (h.detach().clone(), cell.named_parameters().Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
    }
}
