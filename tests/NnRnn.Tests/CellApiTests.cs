using NnRnn.Cells;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests;

/// <summary>The cell API a TorchSharp user sees: forward(x, state?) and a disposable state.</summary>
[Collection(nameof(GlobalGenerator))]   // seeds libtorch's global generator
public class CellApiTests
{
    [Theory]
    [InlineData("nnRNN")]
    [InlineData("LSTM")]
    [InlineData("EURNN")]
    public void Forward_without_a_state_starts_from_zeros_in_the_input_dtype(string net)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var cell = TestSupport.Cell(net, 2, 6);
        cell.to(ScalarType.Float64);
        var x = randn(5, 3, 2, ScalarType.Float64);
        var (outputs, final) = cell.forward(x);
        Assert.Equal(ScalarType.Float64, outputs.dtype);
        Assert.Equal(new long[] { 5, 3, cell.OutputSize }, outputs.shape);
        using var zeros = cell.InitialState(3, x.device, ScalarType.Float64);
        var (expected, _) = SequenceRunner.Run(cell, x, zeros, UnrollMode.StepByStep);
        Assert.True(TestSupport.RelativeError(outputs, expected) < 1e-12);
        Assert.Equal(final.Count, zeros.Count);
    }

    [Fact]
    public void Disposing_a_state_disposes_every_tensor()
    {
        var h = zeros(2, 3);
        var c = zeros(2, 3);
        var state = new RecurrentState(h, c);
        state.Dispose();
        Assert.True(h.IsInvalid);
        Assert.True(c.IsInvalid);
    }

    [Fact]
    public void Invalid_configuration_names_the_parameter_not_a_command_line_flag()
    {
        var odd = Assert.Throws<ArgumentException>(() => new NnRnnCell(1, 7));
        Assert.Equal("hiddenSize", odd.ParamName);
        Assert.DoesNotContain("--", odd.Message);
        var init = Assert.Throws<ArgumentException>(() => CellFactory.Create(new CellSpec(NetType.ExpRnn, 1, 4, RecurrentInit: Initializer.Xavier)));
        Assert.Equal(nameof(CellSpec.RecurrentInit), init.ParamName);
    }

    [Fact]
    public void The_readme_example_trains_the_cell_and_its_orthogonal_factor()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var x = randint(0, 9, new long[] { 12, 5, 1 }).to_type(ScalarType.Float32);
        var y = randint(0, 9, new long[] { 12, 5 });
        // as README "Using the cells from C#"
        var cell = new NnRnnCell(inputSize: 1, hiddenSize: 16, NnRnn.Nonlinearities.Activation.ModRelu, Initializer.Cayley, delta: 1e-4);
        var readout = nn.Linear(cell.OutputSize, 9);
        var model = nn.ModuleDict<nn.Module>(("rnn", cell), ("lin", readout));
        using var optimizer = new NnRnn.Optim.RecurrentOptimizer(model, cell,
            new NnRnn.Optim.OptimizerSettings { LearningRate = 5e-3, OrthogonalLearningRate = 1e-2 });
        var logBefore = cell.OrthogonalFactors().Single().Log.detach().clone();
        optimizer.ZeroGrad();
        var (h, final) = cell.forward(x);
        var loss = nn.functional.cross_entropy(readout.forward(h).reshape(-1, 9), y.reshape(-1));
        if (cell.Penalty() is { } delta) loss = loss + delta;
        loss.backward();
        optimizer.Step();
        final.Dispose();
        Assert.True(cell.OrthogonalFactors().Single().Log.detach().sub(logBefore).abs().max().item<float>() > 0, "P's skew coordinate moved");
    }
}
