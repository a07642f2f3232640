using NnRnn.Experiments.Reports;
using Xunit;

namespace NnRnn.Tests.Reports;

public class MeanSeTests
{
    [Fact]
    public void Standard_error_is_the_sample_deviation_over_root_n()
    {
        double[] v = [1.40, 1.43, 1.38, 1.41];
        var s = MeanSe.Of(v);
        double mean = (1.40 + 1.43 + 1.38 + 1.41) / 4;
        double var = v.Select(x => (x - mean) * (x - mean)).Sum() / 3;   // n − 1
        Assert.Equal(mean, s.Mean, 1e-12);
        Assert.Equal(Math.Sqrt(var / 4), s.Se, 1e-12);
        Assert.Equal(4, s.N);
    }

    [Fact]
    public void One_replicate_has_no_standard_error()
    {
        var s = MeanSe.Of([2.5]);
        Assert.Equal(2.5, s.Mean);
        Assert.True(double.IsNaN(s.Se));
        Assert.Equal("2.50 ± – (n=1)", s.Format(2));
    }

    [Theory]
    [InlineData(0.0031234, "0.0031")]
    [InlineData(0.18220, "0.18")]
    [InlineData(1.2152, "1.2")]
    [InlineData(23.4, "23")]
    public void Standard_error_is_shown_to_two_significant_digits(double se, string shown)
        => Assert.Equal(shown, MeanSe.FormatSe(se));

    [Fact]
    public void Format_shows_mean_se_and_count()
        => Assert.Equal("1.405 ± 0.010 (n=4)", MeanSe.Of([1.40, 1.43, 1.38, 1.41]).Format(3));
}
