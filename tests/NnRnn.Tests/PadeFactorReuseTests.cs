using NnRnn.Orthogonal;
using NnRnn.Parametrizations;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// The orthogonal step's gradient at −A reuses the Padé pieces of the forward expm(A) and exploits
/// skew symmetry (<see cref="MatrixExponential.FrechetOfSkewAtNegated"/>): it must give the numbers
/// of Dexp(−A) computed from scratch by the general algorithm, to float rounding, for every degree
/// and scaling, with and without the factors.
/// </summary>
public class PadeFactorReuseTests
{
    [Theory]
    [InlineData(0.005, ScalarType.Float32, true)]   // m = 3
    [InlineData(0.15, ScalarType.Float32, true)]    // m = 5
    [InlineData(0.6, ScalarType.Float32, true)]     // m = 7
    [InlineData(0.9, ScalarType.Float32, false)]    // expm m = 7, derivative m = 9: not reused
    [InlineData(1.5, ScalarType.Float32, true)]     // m = 9
    [InlineData(3.5, ScalarType.Float32, true)]     // m = 13, no squaring
    [InlineData(5.0, ScalarType.Float32, false)]    // m = 13: expm 0 squarings, derivative 1: not reused
    [InlineData(40.0, ScalarType.Float32, false)]   // m = 13: expm 3 squarings, derivative 4: not reused
    [InlineData(9.0, ScalarType.Float32, true)]     // m = 13, one squaring in both
    [InlineData(18.0, ScalarType.Float32, true)]    // m = 13, two squarings in both
    [InlineData(3.5, ScalarType.Float64, true)]
    [InlineData(1.5, ScalarType.Float64, true)]
    [InlineData(9.0, ScalarType.Float64, true)]
    public void Reused_factors_give_the_log_gradient_of_the_general_algorithm(double norm, ScalarType dtype, bool reused)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var free = randn(24, 24, dtype, generator: gen);
        var a = Skew.FromFree(free);
        double n1 = a.abs().sum(0, false).max().to_type(ScalarType.Float64).item<double>();
        free = free * (norm / n1);
        var g = randn(24, 24, dtype, generator: gen);

        var (b, factors) = MatrixExponential.ExpmWithFactors(Skew.FromFree(free));
        using (factors)
        {
            Assert.True(MatrixExponential.Expm(Skew.FromFree(free)).equal(b).all().item<bool>(), "expm through the factors changed");
            var btg = b.t().matmul(g);
            var general = Skew.GradientToFree(b.matmul(MatrixExponential.Frechet(-Skew.FromFree(free), 0.5 * (btg - btg.t()))));
            var fresh = OrthogonalParametrization.LogGradient(free, b, g);
            int before = MatrixExponential.ReusedOnThisThread;
            var viaFactors = OrthogonalParametrization.LogGradient(free, b, g, factors);
            Assert.True(reused == MatrixExponential.ReusedOnThisThread > before, $"reuse expected {reused}, norm {Skew.FromFree(free).abs().sum(0, false).max().to_type(ScalarType.Float64).item<double>()}");
            double scale = general.abs().max().to_type(ScalarType.Float64).item<double>(), tolerance = dtype == ScalarType.Float32 ? 2e-5 : 1e-12;
            Assert.True(scale > 0);
            foreach (var (name, x) in new[] { ("skew, no factors", fresh), ("skew, factors", viaFactors) })
            {
                double error = (x - general).abs().max().to_type(ScalarType.Float64).item<double>() / scale;
                Assert.True(error < tolerance, $"{name}: relative difference {error:E2} from the general algorithm");
            }
        }
    }
}
