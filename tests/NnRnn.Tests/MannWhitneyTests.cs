using NnRnn.Analysis.Fidelity;
using Xunit;

namespace NnRnn.Tests;

public sealed class MannWhitneyTests
{
    // Critical values of U for a two-sided test at α = 0.05 from the standard table
    // (e.g. Siegel & Castellan 1988, table J): U ≤ critical rejects, U = critical + 1 does not.
    [Theory]
    [InlineData(5, 5, 2)]
    [InlineData(8, 8, 13)]
    [InlineData(10, 10, 23)]
    public void Exact_p_matches_the_table_critical_values(int n1, int n2, int critical)
    {
        Assert.True(MannWhitney.ExactTwoSided(critical, n1, n2) <= 0.05);
        Assert.True(MannWhitney.ExactTwoSided(critical + 1, n1, n2) > 0.05);
    }

    [Fact]
    public void Separated_samples_give_U_zero_and_the_smallest_p()
    {
        var (u, uMin, p) = MannWhitney.Test([1, 2, 3, 4], [5, 6, 7, 8]);
        Assert.Equal(0, u);
        Assert.Equal(0, uMin);
        Assert.Equal(2.0 / 70, p, 1e-12);    // 2 / C(8, 4)
    }

    [Fact]
    public void Ties_use_the_normal_approximation_with_tie_and_continuity_corrections()
    {
        // 8 against 8 with one tie across the samples. By hand: U = 1.5, σ² = 64/12 · (17 − 6/240) = 90.53,
        // z = (32 − 1.5 − 0.5)/9.515 = 3.153, p = 2 (1 − Φ(3.153)) = 0.00162 (conservative next to the
        // untied exact p of U = 1 and 2, 0.0003 and 0.0006)
        double[] a = [1, 2, 3, 4, 5, 6, 7, 9.5], b = [8, 9.5, 10, 11, 12, 13, 14, 15];
        var (_, uMin, p) = MannWhitney.Test(a, b);
        Assert.Equal(1.5, uMin);
        Assert.Equal(0.00162, p, 5e-5);
    }
}
