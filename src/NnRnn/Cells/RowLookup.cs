using NnRnn.Cells.Kernels;
using NnRnn.Devices;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// table[tokens] ([V, W] rows picked by [T, B] ids → [T, B, W]) as one autograd node whose output
/// comes from <see cref="TensorMemoryPool"/>: on PTB's 150 × 128 × 1024 it is 78 MB, which libtorch's
/// index_select took as a fresh mapping that the kernel zeroed every update. Backward sums each
/// token's gradient into its row (index_add), as index_select's does.
/// </summary>
internal sealed class RowLookup : autograd.SingleTensorFunction<RowLookup>
{
    public override string Name => "RowLookup";

    /// <summary>Whether the lookup is large enough for the pool (CPU float32, contiguous table).</summary>
    public static bool Worthwhile(Tensor tokens, Tensor table)
        => table.device_type == TorchSharp.DeviceType.CPU && table.dtype == ScalarType.Float32 && tokens.dtype == ScalarType.Int64
           && TensorMemoryPool.Enabled && tokens.numel() * table.shape[1] * 4 is var bytes && bytes >= TensorMemoryPool.MinimumBytes
           && bytes <= int.MaxValue;   // one span over the output

    public static Tensor Apply(Tensor tokens, Tensor table) => apply(tokens, table);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (tokens, table) = ((Tensor)vars[0], (Tensor)vars[1]);
        long rows = table.shape[0], width = table.shape[1];
        using var ids = tokens.contiguous();
        using var source = table.contiguous();
        var output = TensorMemoryPool.Empty(new[] { tokens.shape[0], tokens.shape[1], width }, table.dtype, table.device);
        var from = TensorMemory.Of<float>(source);
        var to = TensorMemory.Of<float>(output);
        var picks = TensorMemory.Of<long>(ids);
        int w = (int)width;
        for (int i = 0; i < picks.Length; i++)
        {
            long id = picks[i];
            if ((ulong)id >= (ulong)rows) throw new ArgumentOutOfRangeException(nameof(tokens), $"token id {id} outside the table's {rows} rows");
            from.Slice((int)id * w, w).CopyTo(to.Slice(i * w, w));
        }
        ctx.save_for_backward(new List<Tensor> { tokens });
        ctx.save_data("rows", rows);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        var tokens = ctx.get_saved_variables()[0];
        long rows = (long)ctx.get_data("rows"), width = grad.shape[2];
        using var scope = NewDisposeScope();
        var gradTable = zeros(new[] { rows, width }, grad.dtype, grad.device).index_add_(0, tokens.reshape(-1), grad.reshape(-1, width), 1);
        return new List<Tensor> { null!, gradTable.MoveToOuterDisposeScope() };
    }
}
