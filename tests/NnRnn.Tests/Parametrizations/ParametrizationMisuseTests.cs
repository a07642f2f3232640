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

/// <summary>How a module reads its constrained weight.</summary>
public class ParametrizationBindingTests
{
    [Fact]
    public void ForwardWithoutHooksReadsTheWeightAfterRefresh()
    {
        var linear = nn.Linear(4, 4, hasBias: false);
        var w = Parametrize.Orthogonal(linear, "weight");
        var opt = optim.SGD(linear.parameters(), 0.5);
        var x = randn(3, 4);
        opt.zero_grad();
        linear.call(x).sum().backward();
        opt.step();
        Parametrize.Refresh(linear);
        using var _ = no_grad();
        Assert.True(TestSupport.RelativeError(linear.forward(x), x.matmul(w.Value.t())) < 1e-6);
        Assert.Same(w, linear.named_children().Single().module);
    }

    [Fact]
    public void TheCellsOrthogonalFactorsAreTheLibraryParametrization()
    {
        var cell = TestSupport.Cell("nnRNN", 2, 6);
        var factor = Assert.Single(cell.OrthogonalFactors());
        Assert.IsType<OrthogonalParametrization>(factor);
        Assert.True(factor.InManifold(1e-5));
    }
}
