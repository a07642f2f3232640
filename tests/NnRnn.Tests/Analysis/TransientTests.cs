using NnRnn.Analysis.Dynamics;
using NnRnn.Analysis.Linear;
using Xunit;

namespace NnRnn.Tests.Analysis;

public class TransientTests
{
    [Fact]
    public void ScaledOrthogonalDynamicsShrinkEveryStateByRho()
    {
        const double rho = 0.95;
        var e = Transients.Simulate(Matrices.Scale(Matrices.RandomOrthogonal(16, 1), rho), 30, 64, seed: 5);
        for (int t = 0; t <= 30; t++)
        {
            Assert.Equal(Math.Pow(rho, t), e.Norm.Mean[t], 10);
            Assert.True(e.Norm.Std[t] < 1e-10);
        }
    }

    [Fact]
    public void TheDelayLineCarriesThenDropsTheState()
    {
        // h_0 uniform on the sphere; the delay line shifts it down: ‖h_t‖² = Σ_{i<N−t} h_0,i², zero from t = N.
        int n = 10;
        var e = Transients.Simulate(SyntheticMatrices.DelayLine(n, 0, 1, 0), 15, 4000, seed: 2);
        Assert.Equal(1.0, e.Norm.Mean[0], 12);
        for (int t = 1; t < n; t++)
        {
            Assert.True(e.Norm.Mean[t] < e.Norm.Mean[t - 1]);
            // E‖h_t‖² = (N − t)/N for a uniform direction; the mean norm is close to its square root.
            Assert.InRange(e.Norm.Mean[t], 0.8 * Math.Sqrt((n - t) / (double)n), 1.05 * Math.Sqrt((n - t) / (double)n));
        }
        for (int t = n; t <= 15; t++) Assert.Equal(0.0, e.Norm.Max[t]);
        // Across-unit spread of a unit vector: std over units ≈ 1/√N on average.
        Assert.InRange(e.UnitSpread.Mean[0], 0.8 / Math.Sqrt(n), 1.0 / Math.Sqrt(n));
    }

    [Fact]
    public void ANonNormalMatrixAmplifiesTransiently()
    {
        // Stable (ρ = 0.5) but with a strong feed-forward chain: the mean norm first grows above 1.
        var e = Transients.Simulate(SyntheticMatrices.DelayLine(20, 0.5, 2.0, 0), 60, 200, seed: 3);
        Assert.True(e.Norm.Mean.Max() > 10);
        Assert.True(e.Norm.Mean[60] < e.Norm.Mean.Max());
    }
}
