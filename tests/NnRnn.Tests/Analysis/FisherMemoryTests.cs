using NnRnn.Analysis.Linear;
using NnRnn.Analysis.Memory;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests.Analysis;

public class FisherMemoryTests
{
    [Fact]
    public void TheDelayLineGivesTheHarmonicNumber()
    {
        // The paper's value: N = 100, α = 1, β = d = 0 over 150 steps, J(t) = 1/(t+1), J_tot = H_100 ≈ 5.19.
        var curve = FisherMemory.Compute(SyntheticMatrices.DelayLine(100, 0, 1, 0), null, 150);
        double h100 = Enumerable.Range(1, 100).Sum(k => 1.0 / k);
        Assert.Equal(h100, curve.Total, 9);
        Assert.Equal(5.19, curve.Total, 2);
        for (int t = 0; t < 150; t++) Assert.Equal(t < 100 ? 1.0 / (t + 1) : 0.0, curve.J[t], 9);
        Assert.True(curve.NoiseConverged);
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.5)]
    public void ADelayLineWithGainAlphaMatchesItsClosedForm(double alpha)
    {
        // C = diag(Σ_{k<i} α^{2k}) and e_t = α^t e_{t+1}: J(t) = α^{2t} (1 − α²) / (1 − α^{2(t+1)}).
        int n = 30;
        var curve = FisherMemory.Compute(SyntheticMatrices.DelayLine(n, 0, alpha, 0), null, 40);
        for (int t = 0; t < 40; t++)
        {
            double expected = t < n ? Math.Pow(alpha, 2 * t) * (1 - alpha * alpha) / (1 - Math.Pow(alpha, 2 * (t + 1))) : 0;
            Assert.True(Math.Abs(curve.J[t] - expected) <= 1e-9 * Math.Max(expected, 1e-3), $"t={t}: {curve.J[t]} vs {expected}");
        }
    }

    [Fact]
    public void AScaledOrthogonalMatrixMatchesItsClosedForm()
    {
        // W = ρQ: C = I/(1 − ρ²), J(t) = ρ^{2t}(1 − ρ²), J_tot over H steps = 1 − ρ^{2H}.
        const double rho = 0.9;
        var w = Matrices.Scale(Matrices.RandomOrthogonal(32, 9), rho);
        var u = Enumerable.Range(0, 32).Select(i => Math.Sin(i + 1.0)).ToArray();   // any direction
        var curve = FisherMemory.Compute(w, u, 60);
        for (int t = 0; t < 60; t++) Assert.Equal(Math.Pow(rho, 2 * t) * (1 - rho * rho), curve.J[t], 10);
        Assert.Equal(1 - Math.Pow(rho, 120), curve.Total, 10);
        Assert.True(curve.NoiseConverged);
    }

    [Fact]
    public void AnOrthogonalMatrixTruncatesTheNoiseAtTheHorizon()
    {
        // ρ = 1: Σ W^k W^kᵀ diverges; truncated at H terms C = H·I, so J(t) = 1/H and J_tot = 1.
        var curve = FisherMemory.Compute(Matrices.RandomOrthogonal(16, 4), null, 50);
        Assert.False(curve.NoiseConverged);
        Assert.Equal(50, curve.NoiseTerms);
        Assert.All(curve.J, j => Assert.Equal(1.0 / 50, j, 10));
    }

    [Fact]
    public void AnExpandingMatrixTruncatesInsteadOfOverflowing()
    {
        // ρ = 1.01 (a trained nnRNN can sit just above 1): C_H = Σ_{k<H} ρ^{2k} I, J(t) = ρ^{2t} / Σ_{k<H} ρ^{2k}.
        const double rho = 1.01;
        int h = 80;
        var curve = FisherMemory.Compute(Matrices.Scale(Matrices.RandomOrthogonal(12, 6), rho), null, h);
        double sum = Enumerable.Range(0, h).Sum(k => Math.Pow(rho, 2 * k));
        Assert.False(curve.NoiseConverged);
        for (int t = 0; t < h; t++) Assert.Equal(Math.Pow(rho, 2 * t) / sum, curve.J[t], 10);
        Assert.Equal(1.0, curve.Total, 10);
    }

    [Theory]
    [InlineData(0.3, 0.9, 0.05)]
    [InlineData(0.0, 0.8, 0.1)]
    [InlineData(-0.2, 1.0, 0.0)]
    public void TheSyntheticFamilyMatchesBruteForceSummation(double d, double alpha, double beta)
    {
        // Independent route: C by plain summation of W^k W^kᵀ, J(t) by solving with C directly.
        int n = 20, horizon = 60;
        var w = SyntheticMatrices.DelayLine(n, d, alpha, beta);
        var curve = FisherMemory.Compute(w, null, horizon);

        using var scope = NewDisposeScope();
        var tw = Dense.Tensor(w);
        var c = zeros(n, n, dtype: ScalarType.Float64);
        var power = eye(n, dtype: ScalarType.Float64);
        for (int k = 0; k < 4000; k++)
        {
            c += power.matmul(power.t());
            power = power.matmul(tw);
        }
        var e = zeros(n, dtype: ScalarType.Float64);
        e[0] = 1.0;
        var inverse = linalg.inv(c);
        double total = 0;
        for (int t = 0; t < horizon; t++)
        {
            double j = e.dot(inverse.matmul(e)).item<double>();
            total += j;
            Assert.True(Math.Abs(curve.J[t] - j) <= 1e-7 * Math.Max(j, 1e-6), $"t={t}: {curve.J[t]} vs {j}");
            e = tw.matmul(e);
        }
        Assert.Equal(total, curve.Total, 6);
        Assert.True(curve.Total <= n + 1e-9);   // Ganguli et al.: J_tot ≤ N
    }

    [Fact]
    public void LyapunovSolutionSatisfiesItsEquation()
    {
        var w = Matrices.Scale(Matrices.Random(12, 8), 0.7);
        var solution = DiscreteLyapunov.Solve(w, 100);
        Assert.True(solution.Converged);
        var residual = Dense.FrobeniusOfDifference(solution.C, Add(Dense.Conjugate(w, solution.C), Dense.Identity(12)));
        Assert.True(residual < 1e-12 * Dense.Frobenius(solution.C));
    }

    private static double[,] Add(double[,] a, double[,] b)
    {
        var m = (double[,])a.Clone();
        for (int i = 0; i < m.GetLength(0); i++)
            for (int j = 0; j < m.GetLength(1); j++) m[i, j] += b[i, j];
        return m;
    }
}
