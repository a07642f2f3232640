using System.Runtime.Intrinsics;
using NnRnn.Cells.Kernels;
using Xunit;

namespace NnRnn.Tests;

/// <summary>The kernels' own float32 exp, sigmoid and tanh against double-precision maths.</summary>
public class VectorMathTests
{
    private static float[] Apply(Func<Vector256<float>, Vector256<float>> f, float[] xs)
    {
        var ys = new float[xs.Length];
        for (int i = 0; i < xs.Length; i += 8)
        {
            var chunk = new float[8];
            Array.Copy(xs, i, chunk, 0, Math.Min(8, xs.Length - i));
            var y = f(Vector256.Create(chunk));
            for (int j = 0; j < 8 && i + j < xs.Length; j++) ys[i + j] = y.GetElement(j);
        }
        return ys;
    }

    [Fact]
    public void Exp_is_within_two_ulps_over_the_whole_normal_range()
    {
        // Dense grid from the underflow to the overflow threshold, including the last binade
        // below overflow where 2^n needs n = 128.
        var xs = Enumerable.Range(0, 400_001).Select(i => -87.3f + i * (176.0f / 400_000)).Where(x => x < 88.72f).ToArray();
        var ys = Apply(VectorMath.Exp, xs);
        double worst = 0; float at = 0, got = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double want = Math.Exp(xs[i]);
            double ulp = MathF.BitIncrement((float)want) - (float)want;
            double err = Math.Abs(ys[i] - want) / ulp;
            if (err > worst) { worst = err; at = xs[i]; got = ys[i]; }
        }
        Assert.True(worst <= 2, $"worst error {worst:F2} ulp at {at}: {got} vs {Math.Exp(at)}");
    }

    [Fact]
    public void Exp_saturates_to_zero_and_infinity_and_keeps_nan()
    {
        var ys = Apply(VectorMath.Exp, new[] { -1000f, -88f, 88.8f, 1000f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, 0f });
        Assert.Equal(0f, ys[0]);
        Assert.Equal(0f, ys[1]);
        Assert.Equal(float.PositiveInfinity, ys[2]);
        Assert.Equal(float.PositiveInfinity, ys[3]);
        Assert.Equal(0f, ys[4]);
        Assert.Equal(float.PositiveInfinity, ys[5]);
        Assert.True(float.IsNaN(ys[6]));
        Assert.Equal(1f, ys[7]);
    }

    [Fact]
    public void Sigmoid_and_tanh_match_double_precision_and_saturate_exactly()
    {
        var xs = Enumerable.Range(0, 20_001).Select(i => -50f + i * 0.005f).ToArray();
        var s = Apply(VectorMath.Sigmoid, xs);
        var t = Apply(VectorMath.Tanh, xs);
        for (int i = 0; i < xs.Length; i++)
        {
            double sw = 1 / (1 + Math.Exp(-xs[i])), tw = Math.Tanh(xs[i]);
            Assert.True(Math.Abs(s[i] - sw) <= 4e-7 * Math.Max(sw, 1e-30) + 1e-38, $"sigmoid({xs[i]}) = {s[i]}, want {sw}");
            Assert.True(Math.Abs(t[i] - tw) <= 4e-7, $"tanh({xs[i]}) = {t[i]}, want {tw}");
        }
        var ends = Apply(VectorMath.Sigmoid, new[] { -200f, 200f });
        Assert.Equal(new[] { 0f, 1f }, ends);
        Assert.Equal(new[] { -1f, 1f }, Apply(VectorMath.Tanh, new[] { -60f, 60f }));
    }
}
