using NnRnn.Cells;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>
/// A language model's cell reads rows of its embedding table: <see cref="SequenceRunner.RunEmbedded"/>
/// maps the table's rows once (an Elman cell's linear input map) and picks them per token. Values and
/// every gradient (the table's too) must be those of the plain lookup followed by <see cref="SequenceRunner.Run"/>.
/// </summary>
public class EmbeddedRunTests
{
    [Theory]
    [InlineData("expRNN", UnrollMode.Fused)]
    [InlineData("nnRNN", UnrollMode.Fused)]
    [InlineData("RNN", UnrollMode.Fused)]
    [InlineData("LSTM", UnrollMode.Fused)]       // no projected unroll: the plain fused path
    [InlineData("expRNN", UnrollMode.StepByStep)]
    public void Mapping_the_table_once_gives_the_lookups_values_and_gradients(string net, UnrollMode mode)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(9);
        var cell = CellFactory.Create(new CellSpec(SeedNames.Parse<NetType>(net, "net"), 6, 16, Generator: generator));
        var table = randn(new long[] { 11, 6 }, generator: generator).requires_grad_();
        var tokens = randint(0, 11, new long[] { 25, 4 }, dtype: ScalarType.Int64, generator: generator);
        var c = randn(new long[] { 25, 4, cell.OutputSize }, generator: generator);

        var embedded = Gradients(cell, table, c, () => SequenceRunner.RunEmbedded(cell, tokens, table, null, mode).Outputs);
        var plain = Gradients(cell, table, c, () => SequenceRunner.Run(cell, table.index_select(0, tokens.reshape(-1)).view(25, 4, 6), null, mode).Outputs);
        Assert.True(TestSupport.RelativeError(embedded.Value, plain.Value) <= 1e-6, "values");
        Assert.Equal(plain.Grads.Count, embedded.Grads.Count);
        for (int i = 0; i < plain.Grads.Count; i++)
            Assert.True(TestSupport.RelativeError(embedded.Grads[i], plain.Grads[i]) <= 1e-5, $"gradient {i}");
    }

    [Fact]
    public void The_pooled_lookup_gives_index_selects_rows_and_table_gradient()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var table = randn(new long[] { 50, 1024 }, generator: generator).requires_grad_();
        var tokens = randint(0, 50, new long[] { 64, 32 }, dtype: ScalarType.Int64, generator: generator);   // 8 MB of rows: pooled
        var c = randn(new long[] { 64, 32, 1024 }, generator: generator);
        Assert.True(RowLookup.Worthwhile(tokens, table));
        var pooled = RowLookup.Apply(tokens, table);
        (pooled * c).sum().backward();
        var pooledGrad = table.grad!.clone();
        table.grad = null;
        var plain = table.index_select(0, tokens.reshape(-1)).view(64, 32, 1024);
        (plain * c).sum().backward();
        Assert.True(pooled.equal(plain).all().item<bool>(), "rows");
        Assert.True(TestSupport.RelativeError(pooledGrad, table.grad!) <= 1e-6, "table gradient");
        Assert.Throws<ArgumentOutOfRangeException>(() => RowLookup.Apply(full(new long[] { 64, 32 }, 50L, dtype: ScalarType.Int64), table));
    }

    [Fact]
    public void Ids_and_tables_of_the_wrong_shape_are_refused()
    {
        using var scope = NewDisposeScope();
        var cell = CellFactory.Create(new CellSpec(NetType.ExpRnn, 6, 16));
        Assert.Throws<ArgumentException>(() => SequenceRunner.RunEmbedded(cell, zeros(5, dtype: ScalarType.Int64), zeros(11, 6)));
        Assert.Throws<ArgumentException>(() => SequenceRunner.RunEmbedded(cell, zeros(new long[] { 5, 2 }, dtype: ScalarType.Int64), zeros(11, 5)));
    }

    private static (Tensor Value, List<Tensor> Grads) Gradients(RecurrentCell cell, Tensor table, Tensor c, Func<Tensor> run)
    {
        foreach (var p in cell.parameters()) p.grad = null;
        table.grad = null;
        var h = run();
        (h * c).sum().backward();
        var grads = cell.parameters().Where(p => p.grad is not null).Select(p => p.grad!.clone()).ToList();
        grads.Add(table.grad!.clone());
        return (h.detach().clone(), grads);
    }
}
