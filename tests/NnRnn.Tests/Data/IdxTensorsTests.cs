using NnRnn.Experiments.Data;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests.Data;

public sealed class IdxTensorsTests
{
    [Fact]
    public void ImagesAreFlatFloatsInUnitIntervalAndLabelsInt64()
    {
        var images = new IdxImages("x", [0, 255, 51, 102, 0, 0, 0, 0], 2, 2, 2);
        var labels = new IdxLabels("y", [3, 7]);

        var (x, y) = IdxTensors.ToTensors(new IdxDataset(images, labels));
        using (x)
        using (y)
        {
            Assert.Equal(new long[] { 2, 4 }, x.shape);
            Assert.Equal(ScalarType.Float32, x.dtype);
            var expected = new[] { 0f, 1f, 0.2f, 0.4f, 0f, 0f, 0f, 0f };
            var actual = x.data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-6f);
            Assert.Equal(ScalarType.Int64, y.dtype);
            Assert.Equal(new long[] { 3, 7 }, y.data<long>().ToArray());
        }
    }
}
