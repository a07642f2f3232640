using NnRnn.Parametrizations;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests.Parametrizations;

/// <summary>Misuse gets a typed exception whose message says what to do.</summary>
public class ParametrizationMisuseTests
{
    [Fact]
    public void NonSquareWeight()
    {
        var e = Assert.Throws<NotSquareException>(() => Parametrize.Orthogonal(nn.Linear(3, 4), "weight"));
        Assert.Contains("[4, 3]", e.Message);
        Assert.Contains("square", e.Message);
    }

    [Fact]
    public void WrongDtype()
    {
        Assert.Throws<WrongDtypeException>(() => Parametrize.Unitary(nn.Linear(4, 4), "weight"));
        var e = Assert.Throws<WrongDtypeException>(() => Parametrize.Orthogonal(nn.Linear(4, 4, dtype: ScalarType.Float16), "weight"));
        Assert.Contains("float32 or float64", e.Message);
    }

    [Fact]
    public void OddSizeForRotationBlocks()
    {
        var e = Assert.Throws<OddSizeException>(() => Parametrize.Schur(nn.Linear(5, 5), "weight"));
        Assert.Contains("even", e.Message);
    }

    [Fact]
    public void RegisteringTwice()
    {
        var linear = nn.Linear(4, 4);
        Parametrize.Orthogonal(linear, "weight");
        var e = Assert.Throws<AlreadyParametrizedException>(() => Parametrize.Skew(linear, "weight"));
        Assert.Contains("Parametrize.Remove", e.Message);
        Parametrize.Remove(linear, "weight");
        Assert.False(Parametrize.IsParametrized(linear, "weight"));
        Assert.Contains(linear.named_parameters(), p => p.name == "weight");
        Parametrize.Skew(linear, "weight");   // allowed after Remove
    }

    [Fact]
    public void UnknownParameterNamesWhatExists()
    {
        var e = Assert.Throws<ParameterNotFoundException>(() => Parametrize.Orthogonal(nn.Linear(4, 4), "wieght"));
        Assert.Contains("weight", e.Message);
        Assert.Contains("bias", e.Message);
    }

    [Fact]
    public void NegativeDtrivPeriod()
        => Assert.Throws<ParametrizationException>(() => Parametrize.Orthogonal(nn.Linear(4, 4), "weight", dtrivEvery: -1));
}
