using NnRnn.Analysis.Fidelity;
using Xunit;

namespace NnRnn.Tests;

/// <summary>The paired test of FIDELITY.md against scipy.stats.wilcoxon (scipy 1.10, exact) and a case counted by hand.</summary>
public class WilcoxonSignedRankTests
{
    [Fact]
    public void Exact_p_matches_scipy()
    {
        // wilcoxon([0.1, -0.2, 0.3, 0.4, 0.5, -0.05, 0.7, 0.8]) → statistic 4 (W⁻), p 0.0546875
        var (w, n, p) = WilcoxonSignedRank.Test([0.1, -0.2, 0.3, 0.4, 0.5, -0.05, 0.7, 0.8]);
        Assert.Equal((32.0, 8), (w, n));
        Assert.Equal(0.0546875, p, 12);
        // wilcoxon([1, 2, -3, 4, 5, 6, 7, 8, 9, -10]) → statistic 13, p 0.16015625
        Assert.Equal(0.16015625, WilcoxonSignedRank.Test([1, 2, -3, 4, 5, 6, 7, 8, 9, -10]).P, 12);
    }

    [Fact]
    public void Ties_get_mid_ranks_and_zeros_are_dropped()
    {
        // |1|, |−1| share rank 1.5, 2 has rank 3: W⁺ = 4.5; of the 8 sign patterns 3 have W⁺ ≤ 1.5, p = 2·3/8
        var (w, n, p) = WilcoxonSignedRank.Test([1, -1, 0, 2]);
        Assert.Equal((4.5, 3), (w, n));
        Assert.Equal(0.75, p, 12);
        Assert.Equal(1.0, WilcoxonSignedRank.Test([0, 0]).P);
    }

    [Fact]
    public void Symmetric_differences_do_not_differ_and_one_sided_ones_do()
    {
        Assert.Equal(1.0, WilcoxonSignedRank.Test([1, -1, 2, -2, 3, -3]).P, 12);
        // all 12 positive: p = 2 / 2¹²
        Assert.Equal(2 / 4096.0, WilcoxonSignedRank.Test(Enumerable.Range(1, 12).Select(i => (double)i).ToArray()).P, 12);
        // 50 pairs take the normal approximation; all positive is far below 0.05
        Assert.True(WilcoxonSignedRank.Test(Enumerable.Range(1, 50).Select(i => (double)i).ToArray()).P < 1e-6);
        Assert.Throws<ArgumentException>(() => WilcoxonSignedRank.Test([1, double.NaN]));
    }
}
