namespace NnRnn.Experiments.Data;

/// <summary>An IDX3 image file: <see cref="Count"/> images of <see cref="Rows"/>×<see cref="Cols"/> bytes, row-major.</summary>
public sealed record IdxImages(string Path, byte[] Pixels, int Count, int Rows, int Cols)
{
    public int PixelsPerImage => Rows * Cols;

    /// <summary>The pixels scaled to [0, 1] (byte / 255), as the reference's ToTensor() does.</summary>
    public float[] ToFloats()
    {
        var result = new float[Pixels.Length];
        for (int i = 0; i < Pixels.Length; i++) result[i] = Pixels[i] / 255f;
        return result;
    }
}
