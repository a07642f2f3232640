using NnRnn.Cells;
using NnRnn.Cells.Kernels;
using NnRnn.Devices;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>
/// The fused recurrences' large buffers come from <see cref="TensorMemoryPool"/>: memory goes back
/// only when libtorch frees the last tensor or view over it, and results do not depend on it.
/// </summary>
[Collection(nameof(TensorMemoryPoolTests))]   // the pool's counters are process-wide
public class TensorMemoryPoolTests
{
    private static readonly long[] Large = { 64, 128, 256 };   // 8 MiB of float32

    [Fact]
    public void A_view_keeps_its_memory_until_it_is_freed_and_then_the_memory_is_reused()
    {
        TensorMemoryPool.Trim();
        var a = TensorMemoryPool.Empty(Large, ScalarType.Float32, CPU);
        a.fill_(7);
        var view = a[3];
        a.Dispose();
        Assert.Equal(0, TensorMemoryPool.IdleBytes);   // the view still uses it

        var (rents, reuses) = TensorMemoryPool.Counts;
        using (var b = TensorMemoryPool.Empty(Large, ScalarType.Float32, CPU))
        {
            b.fill_(-1);
            Assert.Equal(reuses, TensorMemoryPool.Counts.Reuses);
            Assert.Equal(7f, view.min().item<float>());   // not overwritten through b
            Assert.Equal(7f, view.max().item<float>());
        }
        view.Dispose();
        Assert.Equal(2 * 64L * 128 * 256 * 4, TensorMemoryPool.IdleBytes);   // a's and b's memory, both free now
        using (var c = TensorMemoryPool.Empty(Large, ScalarType.Float32, CPU))
        {
            Assert.Equal((rents + 2, reuses + 1), TensorMemoryPool.Counts);
            Assert.Equal(Large, c.shape);
            c.fill_(2);
            Assert.Equal(2 * c.numel(), c.sum().item<float>());
        }
        TensorMemoryPool.Trim();
        Assert.Equal(0, TensorMemoryPool.IdleBytes);
    }

    [Fact]
    public void Small_or_integer_tensors_come_from_libtorch()
    {
        var before = TensorMemoryPool.Counts;
        using var small = TensorMemoryPool.Empty(new long[] { 10, 10 }, ScalarType.Float32, CPU);
        using var integers = TensorMemoryPool.Empty(Large, ScalarType.Int32, CPU);
        Assert.Equal(before, TensorMemoryPool.Counts);
        Assert.Equal(ScalarType.Int32, integers.dtype);
    }

    /// <summary>
    /// Fused updates whose H and dL/dA come from the pool (8 MiB each) give what per-step autograd
    /// gives, the second update reuses the first one's memory, and the results are the same bits
    /// with the pool on or off.
    /// </summary>
    [Theory]
    [InlineData("RNN")]
    [InlineData("LSTM")]
    public void Fused_updates_on_pooled_memory_equal_autograd_and_reuse_it(string net)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var cell = TestSupport.Cell(net, 2, 256, net == "LSTM" ? "none" : "tanh");
        var x = randn(64, 128, 2);
        var c = randn(64, 128, cell.OutputSize);
        Tensor[] Run(UnrollMode mode)
        {
            using var inner = NewDisposeScope();
            foreach (var p in cell.parameters()) p.grad = null;
            var (h, _) = SequenceRunner.Run(cell, x, null, mode);
            (h[-1].sum() * 3 + (h * c).sum()).backward();
            return cell.parameters().Select(p => p.grad!.clone().MoveToOuterDisposeScope()).Prepend(h.detach().clone().MoveToOuterDisposeScope()).ToArray();
        }
        bool enabled = TensorMemoryPool.Enabled;
        // the large-shape path whatever the thread count other tests left (the small kernels' limit depends on it)
        KernelSelection.Enabled = false;
        try
        {
            TensorMemoryPool.Enabled = true;
            TensorMemoryPool.Trim();
            var first = Run(UnrollMode.Fused);
            var (rents, reuses) = TensorMemoryPool.Counts;
            var second = Run(UnrollMode.Fused);
            Assert.True(TensorMemoryPool.Counts.Reuses - reuses >= 2, $"rents {TensorMemoryPool.Counts.Rents - rents}, reuses {TensorMemoryPool.Counts.Reuses - reuses}");
            TensorMemoryPool.Enabled = false;
            var unpooled = Run(UnrollMode.Fused);
            var steps = Run(UnrollMode.StepByStep);
            for (int i = 0; i < first.Length; i++)
            {
                Assert.True(first[i].equal(second[i]).all().item<bool>(), $"{net} tensor {i}: pooled updates differ");
                Assert.True(first[i].equal(unpooled[i]).all().item<bool>(), $"{net} tensor {i}: pooled and unpooled differ");
                Assert.True(TestSupport.RelativeError(first[i], steps[i]) < 1e-4, $"{net} tensor {i}: {TestSupport.RelativeError(first[i], steps[i])}");
            }
        }
        finally
        {
            KernelSelection.Enabled = true;
            TensorMemoryPool.Enabled = enabled;
            TensorMemoryPool.Trim();
        }
    }
}
