using NnRnn.Parametrizations;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;
using static NnRnn.Tests.Parametrizations.ParametrizationSupport;

namespace NnRnn.Tests.Parametrizations;

/// <summary>Unitary, skew-symmetric and Schur-form (nnRNN) weights.</summary>
public class OtherParametrizationTests
{
    [Theory]
    [InlineData(OrthogonalMap.Exp)]
    [InlineData(OrthogonalMap.Cayley)]
    public void UnitaryStaysUnitaryUnderAdam(OrthogonalMap map)
    {
        var g = new Generator(11);
        var u = new UnitaryParametrization(OrthogonalSamples.Unitary(6, OrthogonalInit.Haar, g).to_type(ScalarType.ComplexFloat32), map);
        var target = OrthogonalSamples.Unitary(6, OrthogonalInit.Haar, g).to_type(ScalarType.ComplexFloat32);
        var opt = optim.Adam(u.parameters(), 0.02);
        double first = 0, last = 0;
        for (int i = 0; i < 200; i++)
        {
            opt.zero_grad();
            var loss = (u.Value - target).abs().pow(2).sum();
            loss.backward();
            opt.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first / 2, $"{first} -> {last}");
        Assert.True(u.InManifold(1e-5), $"error {u.ManifoldError()}");
    }

    [Fact]
    public void UnitaryGradientMatchesFiniteDifferencesOfTheRealPart()
    {
        var g = new Generator(12);
        var u = new UnitaryParametrization(OrthogonalSamples.Unitary(4, OrthogonalInit.Haar, g));
        var c = randn(4, 4, float64, generator: g);
        (u.Value.real * c).sum().backward();
        // d/dRe(F): perturb the real part of the free matrix only.
        var re = u.Log.detach().real.clone();
        var im = u.Log.detach().imag.clone();
        var want = FiniteDifferences(re, () => { using (no_grad()) u.Log.copy_(complex(re, im)); return u.Value.real; }, c);
        Assert.True(TestSupport.RelativeError(u.Log.grad!.real, want) < 1e-7);
    }

    [Fact]
    public void SkewStaysSkewAndItsGradientMatchesFiniteDifferences()
    {
        var g = new Generator(13);
        var linear = nn.Linear(5, 5, hasBias: false, dtype: float64);
        var s = Parametrize.Skew(linear, "weight");
        var c = randn(5, 5, float64, generator: g);
        (s.Value * c).sum().backward();
        var want = FiniteDifferences(s.Free, () => s.Value, c);
        Assert.True(TestSupport.RelativeError(s.Free.grad!, want) < 1e-8);
        FitRotation(linear, optim.SGD(linear.parameters(), 0.1), 30, g);
        Assert.True(s.InManifold(0));
    }

    [Fact]
    public void SchurFormKeepsItsEigenvaluesAndBasis()
    {
        var g = new Generator(14);
        var linear = nn.Linear(6, 6, hasBias: false);
        var w = Parametrize.Schur(linear, "weight", generator: g);
        Assert.Equal(new[] { "weight_parametrization.theta", "weight_parametrization.gamma", "weight_parametrization.T", "weight_parametrization.P.log" },
            linear.named_parameters().Select(p => p.name).ToArray());
        FitRotation(linear, optim.Adam(linear.parameters(), 0.02), 100, g);
        Assert.True(w.InManifold(1e-5), $"error {w.ManifoldError()}");
        // PᵀWP is the real Schur form Λ(θ, γ) + triu(T, 1): eigenvalues γ_k e^{±iθ_k}, non-normal part T.
        using (no_grad())
        {
            var p = w.Basis.Value;
            var core = p.t().matmul(w.Value).matmul(p);
            var want = SchurForm.BlockRotation(w.Angles, w.Moduli) + w.NonNormal.triu(1);
            Assert.True((core - want).abs().max().item<float>() < 1e-5);
        }
        Assert.True(w.NonNormal.triu(1).abs().max().item<float>() > 0, "T untrained");   // T was trained
    }

    [Fact]
    public void SchurGradientMatchesFiniteDifferences()
    {
        var g = new Generator(15);
        var w = new SchurParametrization(4, float64, generator: g);
        using (no_grad()) w.NonNormal.copy_(randn(4, 4, float64, generator: g));
        var c = randn(4, 4, float64, generator: g);
        (w.Value * c).sum().backward();
        foreach (var p in new[] { w.Angles, w.Moduli, w.NonNormal, w.Basis.Log })
        {
            var want = FiniteDifferences(p, () => w.Value, c);
            Assert.True(TestSupport.RelativeError(p.grad!, want) < 1e-7);
        }
    }
}
