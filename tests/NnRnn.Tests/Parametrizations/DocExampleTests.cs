using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using NnRnn.Parametrizations;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests.Parametrizations;

/// <summary>
/// The runnable examples of docs/parametrizations/*.md: each page's csharp block is a method body
/// here (compiled and run), and <see cref="EveryDocExampleIsHereVerbatim"/> fails when a page changes.
/// </summary>
public class DocExampleTests
{
    [Theory]
    [InlineData("orthogonal")]
    [InlineData("unitary")]
    [InlineData("skew")]
    [InlineData("schur")]
    public void EveryDocExampleIsHereVerbatim(string page) => AssertContainsExample(page);

    private static void AssertContainsExample(string page, [CallerFilePath] string here = "")
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../.."));
        var doc = File.ReadAllText(Path.Combine(root, "docs/parametrizations", page + ".md"));
        var example = Regex.Match(doc, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        Assert.False(string.IsNullOrWhiteSpace(example), $"{page}.md has no csharp example");
        Assert.Contains(Normalise(example), Normalise(File.ReadAllText(here)));
    }

    private static string Normalise(string code) => Regex.Replace(code, "\\s+", " ").Trim();

    [Fact]
    public void OrthogonalExample()
    {
        var linear = nn.Linear(8, 8, hasBias: false);
        var w = Parametrize.Orthogonal(linear, "weight", OrthogonalMap.Exp, dtrivEvery: 50);
        var adam = optim.Adam(linear.parameters(), 0.01);
        var x = randn(32, 8);
        for (int step = 0; step < 100; step++)
        {
            using var cache = Parametrize.Cached();
            adam.zero_grad();
            linear.call(x).pow(2).mean().backward();
            adam.step();
        }
        Console.WriteLine($"max|WᵀW − I| = {w.ManifoldError():E1}");
        if (!w.InManifold(1e-5)) throw new Exception("left the manifold");
    }

    [Fact]
    public void UnitaryExample()
    {
        var layer = nn.Linear(6, 6, hasBias: false, dtype: ScalarType.ComplexFloat32);
        var u = Parametrize.Unitary(layer, "weight", init: OrthogonalInit.Haar);
        var adam = optim.Adam(layer.parameters(), 0.01);
        var x = randn(16, 6).to_type(ScalarType.ComplexFloat32);
        for (int step = 0; step < 50; step++)
        {
            adam.zero_grad();
            layer.call(x).real.sum().backward();
            adam.step();
        }
        if (!u.InManifold(1e-5)) throw new Exception("not unitary");
    }

    [Fact]
    public void SkewExample()
    {
        var linear = nn.Linear(5, 5, hasBias: false);
        var s = Parametrize.Skew(linear, "weight");
        var sgd = optim.SGD(linear.parameters(), 0.1);
        var x = randn(8, 5);
        sgd.zero_grad();
        linear.call(x).pow(2).sum().backward();
        sgd.step();
        if (!s.InManifold(0)) throw new Exception("not skew-symmetric");
    }

    [Fact]
    public void SchurExample()
    {
        var linear = nn.Linear(6, 6, hasBias: false);
        var w = Parametrize.Schur(linear, "weight", generator: new Generator(1));
        var adam = optim.Adam(linear.parameters(), 0.01);
        var x = randn(16, 6);
        for (int step = 0; step < 20; step++)
        {
            adam.zero_grad();
            var penalty = 1e-4 * (w.Moduli - 1).pow(2).sum();
            (linear.call(x).pow(2).mean() + penalty).backward();
            adam.step();
        }
        if (!w.InManifold(1e-5)) throw new Exception("P is not orthogonal");
    }
}
