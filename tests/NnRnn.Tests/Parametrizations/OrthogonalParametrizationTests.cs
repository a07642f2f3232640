using NnRnn.Parametrizations;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;
using static NnRnn.Tests.Parametrizations.ParametrizationSupport;

namespace NnRnn.Tests.Parametrizations;

/// <summary>Orthogonal and special orthogonal weights on a plain Linear, through any optimizer.</summary>
public class OrthogonalParametrizationTests
{
    [Theory]
    [InlineData(OrthogonalMap.Exp, "adam")]
    [InlineData(OrthogonalMap.Exp, "sgd")]
    [InlineData(OrthogonalMap.Cayley, "adam")]
    [InlineData(OrthogonalMap.Cayley, "sgd")]
    public void StaysOrthogonalAndLearnsUnderAnyOptimizer(OrthogonalMap map, string optimizer)
    {
        var g = new Generator(1);
        var linear = nn.Linear(8, 8, hasBias: false);
        var w = Parametrize.Orthogonal(linear, "weight", map);
        Assert.True(w.InManifold(1e-5));
        Assert.Equal(new[] { "weight_parametrization.log" }, linear.named_parameters().Select(p => p.name).ToArray());
        var opt = optimizer == "adam" ? (optim.Optimizer)optim.Adam(linear.parameters(), 0.02) : optim.SGD(linear.parameters(), 0.5);
        var first = FitRotation(linear, opt, 1, new Generator(2));
        var last = FitRotation(linear, opt, 300, new Generator(2));
        Assert.True(last < first / 4, $"loss {first} -> {last}");
        Assert.True(w.ManifoldError() < 1e-5, $"max|WᵀW − I| = {w.ManifoldError()}");
        // The module's forward reads the constrained weight.
        var x = randn(3, 8, generator: g);
        using (no_grad()) Assert.True(TestSupport.RelativeError(linear.call(x), x.matmul(w.Value.t())) < 1e-6);
    }

    [Theory]
    [InlineData(OrthogonalMap.Exp)]
    [InlineData(OrthogonalMap.Cayley)]
    public void GradientMatchesFloat64FiniteDifferences(OrthogonalMap map)
    {
        var g = new Generator(3);
        var start = OrthogonalSamples.Orthogonal(6, OrthogonalInit.Haar, generator: g);
        var w = new OrthogonalParametrization(start, map);
        using (no_grad()) w.Log.copy_(0.3 * randn(6, 6, float64, generator: g));
        var c = randn(6, 6, float64, generator: g);
        (w.Value * c).sum().backward();
        var want = FiniteDifferences(w.Log, () => w.Value, c);
        Assert.True(TestSupport.RelativeError(w.Log.grad!, want) < 1e-7, $"rel err {TestSupport.RelativeError(w.Log.grad!, want)}");
    }

    [Fact]
    public void ExpAndCayleyAgreeAtTheBaseAndToThirdOrderNearIt()
    {
        var g = new Generator(4);
        var start = OrthogonalSamples.Orthogonal(5, OrthogonalInit.Haar, generator: g);
        var exp = new OrthogonalParametrization(start, OrthogonalMap.Exp);
        var cayley = new OrthogonalParametrization(start, OrthogonalMap.Cayley);
        using var _ = no_grad();
        Assert.True(TestSupport.RelativeError(exp.Value, start) < 1e-15);
        Assert.True(TestSupport.RelativeError(cayley.Value, start) < 1e-15);
        var a = 1e-3 * randn(5, 5, float64, generator: g);
        exp.Log.copy_(a);
        cayley.Log.copy_(a);
        var gap = (exp.Value - cayley.Value).abs().max().item<double>();
        Assert.True(gap < 1e-8 && gap > 0, $"|exp − cayley| = {gap}");   // they differ at O(‖A‖³)
    }

    [Fact]
    public void FrechetNodeAgreesWithAutogradThroughThePadeSteps()
    {
        var g = new Generator(5);
        var log = 0.5 * randn(7, 7, float64, generator: g);
        var c = randn(7, 7, float64, generator: g);
        var node = new OrthogonalParametrization(eye(7, dtype: float64), OrthogonalMap.Exp);
        var cell = new OrthogonalParametrization(log, NnRnn.Orthogonal.OrthogonalGradient.Autograd);
        using (no_grad()) node.Log.copy_(log);
        (node.Value * c).sum().backward();
        (cell.Value * c).sum().backward();
        Assert.True(TestSupport.RelativeError(node.Log.grad!, cell.Log.grad!) < 1e-12);
    }

    [Fact]
    public void CacheComputesOncePerScopeAndIsInvalidatedByAnOptimizerStep()
    {
        var linear = nn.Linear(4, 4, hasBias: false);
        var w = Parametrize.Orthogonal(linear, "weight");
        var opt = optim.Adam(linear.parameters(), 0.1);
        var x = randn(2, 4);
        using var cache = Parametrize.Cached();
        var loss = linear.call(x).pow(2).sum() + linear.call(x).sum();
        var first = w.Value;
        Assert.Same(first, w.Value);
        Assert.Equal(1, cache.Computations);
        loss.backward();
        opt.step();
        var second = w.Value;
        Assert.Equal(2, cache.Computations);
        Assert.True((second - first).abs().max().item<float>() > 0);
        Assert.True(w.InManifold(1e-5));
    }

    [Fact]
    public void DynamicTrivialisationRebasesContinuouslyAndStaysOnTheManifold()
    {
        var linear = nn.Linear(6, 6, hasBias: false);
        var w = Parametrize.Orthogonal(linear, "weight", dtrivEvery: 3);
        var opt = optim.Adam(linear.parameters(), 0.05);
        var g = new Generator(6);
        var x = randn(new long[] { 16, 6 }, generator: g);
        var before = w.Value.detach().clone();
        for (int i = 0; i < 3; i++)
        {
            opt.zero_grad();
            linear.call(x).sum().backward();
            opt.step();
        }
        Tensor expected;
        using (no_grad()) expected = w.Base!.matmul(OrthogonalMaps.Apply(OrthogonalMap.Exp, NnRnn.Orthogonal.Skew.FromFree(w.Log)));
        Assert.True(w.Log.abs().max().item<float>() > 0);
        var after = w.Value;                      // this read sees the 3rd update and re-bases
        Assert.Equal(3, w.Updates);
        Assert.Equal(0f, w.Log.abs().max().item<float>());
        Assert.True((after - expected).abs().max().item<float>() < 1e-6);
        Assert.True((after - before).abs().max().item<float>() > 1e-3);
        FitRotation(linear, opt, 60, g);
        Assert.True(w.InManifold(1e-5), $"error {w.ManifoldError()}");
        Assert.Equal(63, w.Updates);
    }

    [Fact]
    public void SpecialOrthogonalKeepsDeterminantPlusOne()
    {
        var g = new Generator(7);
        var linear = nn.Linear(5, 5, hasBias: false);
        var w = Parametrize.SpecialOrthogonal(linear, "weight", OrthogonalMap.Cayley, init: OrthogonalInit.Haar, generator: g);
        FitRotation(linear, optim.Adam(linear.parameters(), 0.02), 50, g);
        Assert.True(w.InManifold(1e-5));
        Assert.True(Math.Abs(linalg.det(w.Value.detach().to_type(float64)).item<double>() - 1) < 1e-5);
    }

    [Theory]
    [InlineData(OrthogonalInit.Haar)]
    [InlineData(OrthogonalInit.Henaff)]
    [InlineData(OrthogonalInit.Cayley)]
    [InlineData(OrthogonalInit.Torus)]
    public void SamplesAreOrthogonal(OrthogonalInit init)
    {
        var linear = nn.Linear(6, 6, hasBias: false);
        var w = Parametrize.Orthogonal(linear, "weight", init: init, generator: new Generator(8));
        Assert.True(w.InManifold(1e-6));
        Assert.Equal(0f, w.Log.abs().max().item<float>());
    }

    [Fact]
    public void CachedCallReadsTheWeightOncePerForwardContext()
    {
        var linear = nn.Linear(4, 4, hasBias: false);
        Parametrize.Orthogonal(linear, "weight");
        var x = randn(3, 4);
        using var cache = Parametrize.Cached();
        for (int i = 0; i < 5; i++) linear.call(x);
        Assert.Equal(1, cache.Computations);
    }
}
