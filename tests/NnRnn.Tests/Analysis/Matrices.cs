using NnRnn.Analysis.Linear;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests.Analysis;

/// <summary>Test matrices with known spectra, built independently of the code under test.</summary>
internal static class Matrices
{
    public static double[,] RandomOrthogonal(int n, long seed)
    {
        var g = new TorchSharp.torch.Generator((ulong)seed);
        using var a = randn(new long[] { n, n }, dtype: ScalarType.Float64, generator: g);
        var (q, _) = linalg.qr(a);
        return Dense.FromTensor(q);
    }

    public static double[,] Random(int n, long seed)
    {
        var g = new TorchSharp.torch.Generator((ulong)seed);
        using var a = randn(new long[] { n, n }, dtype: ScalarType.Float64, generator: g) / Math.Sqrt(n);
        return Dense.FromTensor(a);
    }

    /// <summary>blockdiag(γ_k R(θ_k)): eigenvalues γ_k e^{±iθ_k}.</summary>
    public static double[,] Rotations(double[] theta, double[] gamma)
    {
        int n = 2 * theta.Length;
        var m = new double[n, n];
        for (int k = 0; k < theta.Length; k++)
        {
            double c = gamma[k] * Math.Cos(theta[k]), s = gamma[k] * Math.Sin(theta[k]);
            m[2 * k, 2 * k] = c; m[2 * k, 2 * k + 1] = -s;
            m[2 * k + 1, 2 * k] = s; m[2 * k + 1, 2 * k + 1] = c;
        }
        return m;
    }

    public static double[,] Scale(double[,] a, double factor)
    {
        var m = (double[,])a.Clone();
        for (int i = 0; i < m.GetLength(0); i++)
            for (int j = 0; j < m.GetLength(1); j++) m[i, j] *= factor;
        return m;
    }

    /// <summary>Largest distance between two multisets of complex numbers (greedy matching).</summary>
    public static double SpectrumDistance(IEnumerable<System.Numerics.Complex> a, IEnumerable<System.Numerics.Complex> b)
    {
        var rest = b.ToList();
        double worst = 0;
        foreach (var x in a)
        {
            var nearest = rest.MinBy(y => (x - y).Magnitude);
            worst = Math.Max(worst, (x - nearest).Magnitude);
            rest.Remove(nearest);
        }
        Assert.Empty(rest);
        return worst;
    }

    public static System.Numerics.Complex[] TorchEigenvalues(double[,] w)
    {
        using var ev = linalg.eigvals(Dense.Tensor(w));
        var re = ev.real.data<double>().ToArray();
        var im = ev.imag.data<double>().ToArray();
        return re.Zip(im, (x, y) => new System.Numerics.Complex(x, y)).ToArray();
    }
}
