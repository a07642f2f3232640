using NnRnn.Cells.Kernels;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests.Kernels;

/// <summary>The step product y += x·W and the tensor-memory spans it works on.</summary>
public class SmallMatmulTests
{
    [Theory]
    [InlineData(1, 5, 3)]
    [InlineData(2, 7, 8)]
    [InlineData(3, 16, 37)]
    [InlineData(5, 33, 64)]
    [InlineData(10, 128, 128)]
    [InlineData(10, 128, 512)]
    [InlineData(7, 64, 71)]
    [InlineData(15, 20, 45)]
    public void Multiply_add_equals_libtorch_addmm(int rows, int k, int m)
    {
        using var scope = NewDisposeScope();
        manual_seed(rows * 1000 + k * 10 + m);
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            var x = randn(new long[] { rows, k }, dtype);
            var w = randn(new long[] { k, m }, dtype);
            var y0 = randn(new long[] { rows, m }, dtype);
            var expected = addmm(y0, x, w, 1, 1);
            var y = y0.clone();
            if (dtype == ScalarType.Float32)
                SmallMatmul.MultiplyAdd<float>(TensorMemory.Of<float>(x), TensorMemory.Of<float>(w), TensorMemory.Of<float>(y), rows, k, m);
            else
                SmallMatmul.MultiplyAdd<double>(TensorMemory.Of<double>(x), TensorMemory.Of<double>(w), TensorMemory.Of<double>(y), rows, k, m);
            // a sum of k products: rounding grows with k times the magnitude of the terms
            double scale = (x.abs().matmul(w.abs()) + y0.abs()).max().to_type(ScalarType.Float64).item<double>();
            double eps = dtype == ScalarType.Float32 ? 1.2e-7 : 2.3e-16;
            double error = (y - expected).abs().max().to_type(ScalarType.Float64).item<double>();
            Assert.True(error <= 4 * k * eps * scale, $"{dtype} {rows}x{k}x{m}: error {error}, scale {scale}");
        }
    }

    [Theory]
    [InlineData(10, 128, 512)]   // blocks of five rows
    [InlineData(15, 24, 77)]     // five rows, leftover columns
    [InlineData(12, 32, 40)]     // blocks of four
    public void Row_blocking_does_not_change_the_bits(int rows, int k, int m)
    {
        using var scope = NewDisposeScope();
        manual_seed(rows + k + m);
        var x = randn(rows, k);
        var w = randn(k, m);
        var y0 = randn(rows, m);
        var together = y0.clone();
        SmallMatmul.MultiplyAdd<float>(TensorMemory.Of<float>(x), TensorMemory.Of<float>(w), TensorMemory.Of<float>(together), rows, k, m);
        var byRow = y0.clone();
        for (int r = 0; r < rows; r++)
            SmallMatmul.MultiplyAdd<float>(TensorMemory.Of<float>(x[r]), TensorMemory.Of<float>(w), TensorMemory.Of<float>(byRow[r]), 1, k, m);
        Assert.True(together.equal(byRow).all().item<bool>(), $"max difference {(together - byRow).abs().max().item<float>()}");
    }

    [Fact]
    public void Tensor_memory_is_the_tensor_itself_and_needs_contiguous_matching_data()
    {
        using var scope = NewDisposeScope();
        var t = zeros(4, 6);
        var row = t[2];                                       // a contiguous view at an offset
        TensorMemory.Of<float>(row)[3] = 5f;
        Assert.Equal(5f, t[2, 3].item<float>());
        Assert.Equal(6, TensorMemory.Of<float>(row).Length);
        Assert.Throws<ArgumentException>(() => TensorMemory.Of<float>(t.t()));
        Assert.Throws<ArgumentException>(() => TensorMemory.Of<double>(t));
    }
}
