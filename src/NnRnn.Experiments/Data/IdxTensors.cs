using static TorchSharp.torch;

namespace NnRnn.Experiments.Data;

/// <summary>Turns IDX data into the tensors the training code consumes.</summary>
public static class IdxTensors
{
    /// <summary>Images [count, rows·cols] float32 in [0, 1]; labels [count] int64.</summary>
    public static (Tensor Images, Tensor Labels) ToTensors(IdxDataset data)
    {
        var images = data.Images;
        // Scale on the libtorch side so that no second managed copy (float[]) is made.
        using var raw = tensor(images.Pixels, new long[] { images.Count, images.PixelsPerImage }, dtype: ScalarType.Byte);
        var x = raw.to_type(ScalarType.Float32).div_(255f);
        var y = tensor(data.Labels.Labels, new long[] { data.Count }, dtype: ScalarType.Int64);
        return (x, y);
    }
}
