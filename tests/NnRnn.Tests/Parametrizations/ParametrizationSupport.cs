using NnRnn.Parametrizations;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Tests.Parametrizations;

internal static class ParametrizationSupport
{
    /// <summary>Trains a bias-free n×n Linear to map x to x Qᵀ for a random orthogonal Q; returns the last loss.</summary>
    public static double FitRotation(Linear linear, optim.Optimizer optimizer, int steps, Generator g, bool cached = false)
    {
        long n = linear.weight.shape[1];
        var dtype = linear.weight.dtype;
        var q = OrthogonalSamples.Orthogonal(n, OrthogonalInit.Haar, generator: g).to_type(dtype);
        var x = randn(new long[] { 64, n }, dtype, generator: g);
        var y = x.matmul(q.t());
        double last = double.NaN;
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            using var cache = cached ? Parametrize.Cached() : null;
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(linear.call(x), y);
            loss.backward();
            optimizer.step();
            last = loss.to_type(ScalarType.Float64).item<double>();
        }
        return last;
    }

    /// <summary>Central differences of Σ C ⊙ value(free) w.r.t. every entry of <paramref name="free"/> (float64).</summary>
    public static Tensor FiniteDifferences(Tensor free, Func<Tensor> value, Tensor c, double h = 1e-6)
    {
        using var _ = no_grad();
        var grad = zeros_like(free);
        var flat = free.view(-1);
        var gflat = grad.view(-1);
        for (long i = 0; i < flat.shape[0]; i++)
        {
            var keep = flat[i].item<double>();
            flat[i] = keep + h;
            var plus = (value() * c).sum().item<double>();
            flat[i] = keep - h;
            var minus = (value() * c).sum().item<double>();
            flat[i] = keep;
            gflat[i] = (plus - minus) / (2 * h);
        }
        return grad;
    }
}
