using NnRnn.Cells;
using NnRnn.Optim;
using NnRnn.Orthogonal;
using NnRnn.Experiments.Training;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Models;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests;

/// <summary>The orthogonal maths: expm, its Fréchet derivative, the initialisers, Λ, orthogonality under training.</summary>
[Collection(nameof(GlobalGenerator))]   // seeds libtorch's global generator
public class OrthogonalTests
{
    private static Tensor SeriesExpm(Tensor a)
    {
        // Taylor series with scaling and squaring in float64, as an independent reference.
        int s = 6;
        var x = a / Math.Pow(2, s);
        var term = eye(a.shape[0], dtype: ScalarType.Float64);
        var sum = term.clone();
        for (int k = 1; k < 30; k++) { term = term.matmul(x) / k; sum = sum + term; }
        for (int k = 0; k < s; k++) sum = sum.matmul(sum);
        return sum;
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.2)]
    [InlineData(1.5)]
    [InlineData(8.0)]
    public void Expm_and_frechet_match_independent_references(double scale)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var a = scale * randn(7, 7, ScalarType.Float64);
        var e = randn(7, 7, ScalarType.Float64);
        Assert.True(TestSupport.RelativeError(MatrixExponential.Expm(a), SeriesExpm(a)) < 1e-12);
        // Fréchet derivative: the block identity expm([[A, E], [0, A]]) = [[e^A, L], [0, e^A]]
        var block = cat(new[] { cat(new[] { a, e }, 1), cat(new[] { zeros_like(a), a }, 1) }, 0);
        var want = SeriesExpm(block)[..7, 7..];
        Assert.True(TestSupport.RelativeError(MatrixExponential.Frechet(a, e), want) < 1e-11);
    }

    [Fact]
    public void Skew_initialisers_are_block_rotations_in_range()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        foreach (var scheme in new[] { Initializer.Henaff, Initializer.Cayley })
        {
            var a = SkewInitializers.Create(scheme, 8);
            Assert.Equal(0, (a + a.t()).abs().max().item<float>());
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 8; j++)
                {
                    float v = a[i, j].item<float>();
                    bool onBlock = (i / 2 == j / 2) && i != j;
                    if (!onBlock) Assert.Equal(0f, v);
                }
            var s = a.diagonal(1)[TensorIndex.Slice(0, null, 2)];
            if (scheme == Initializer.Henaff) Assert.True(s.ge(-Math.PI).all().item<bool>() && s.le(0).all().item<bool>());
            else Assert.True(s.ge(-1).all().item<bool>() && s.le(0).all().item<bool>()); // −tan(u/2), u ∈ (0, π/2)
        }
        var q = MatrixExponential.Expm(Skew.FromFree(SkewInitializers.Create(Initializer.Random, 9).to_type(ScalarType.Float64)));
        Assert.True((q.matmul(q.t()) - eye(9, dtype: ScalarType.Float64)).abs().max().item<double>() < 1e-5);
        Assert.True(Math.Abs(linalg.det(q).item<double>() - 1) < 1e-5);
    }

    [Fact]
    public void Block_rotation_equals_a_block_by_block_construction()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var theta = rand(5) * 6.28;
        var gamma = rand(5) + 0.5;
        var naive = zeros(10, 10);
        for (int k = 0; k < 5; k++)
        {
            float t = theta[k].item<float>(), g = gamma[k].item<float>();
            naive[2 * k, 2 * k] = g * MathF.Cos(t);
            naive[2 * k, 2 * k + 1] = -g * MathF.Sin(t);
            naive[2 * k + 1, 2 * k] = g * MathF.Sin(t);
            naive[2 * k + 1, 2 * k + 1] = g * MathF.Cos(t);
        }
        Assert.True((NnRnnCell.BlockRotation(theta, gamma) - naive).abs().max().item<float>() < 1e-6);
    }

    [Theory]
    [InlineData("expRNN")]
    [InlineData("nnRNN")]
    public void Orthogonal_factor_stays_orthogonal_over_1000_steps(string net)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var task = new NnRnn.Experiments.Tasks.CopyTask(5, copyLength: 3);
        var cell = TestSupport.Cell(net, task.InputSize, 16);
        using var model = new PerStepReadoutModel(cell, task.Classes);
        using var optimizer = new RecurrentOptimizer(model, cell, new OptimizerSettings { LearningRate = 1e-3, OrthogonalLearningRate = 1e-2 });
        using var data = new Generator(4);
        var factor = cell.OrthogonalFactors().Single();
        var start = factor.Log.detach().clone();
        for (int i = 0; i < 1000; i++)
        {
            using var step = NewDisposeScope();
            var (x, y) = task.Batch(4, data);
            SyntheticTaskStep.Update(model, optimizer, task, x, y);
        }
        using var _ = no_grad();
        var p = factor.Matrix();
        Assert.True((factor.Log - start).abs().max().item<float>() > 0.1, "the orthogonal coordinates moved");
        Assert.True((p.t().matmul(p) - eye(16)).abs().max().item<float>() <= 1e-5);
    }

    [Theory]
    [InlineData(Initializer.Henaff)]
    [InlineData(Initializer.Cayley)]
    [InlineData(Initializer.Random)]
    public void Skew_initialisers_give_an_n_by_n_coordinate_for_odd_n(Initializer scheme)
    {
        using var g = new Generator(3);
        var a = SkewInitializers.Create(scheme, 7, g);
        Assert.Equal(new long[] { 7, 7 }, a.shape);
        Assert.True((a + a.t()).abs().max().item<float>() == 0, "skew-symmetric");
        var q = MatrixExponential.Expm(a.to_type(ScalarType.Float64));
        Assert.True((q.t().matmul(q) - eye(7, dtype: ScalarType.Float64)).abs().max().item<double>() < 1e-10);
    }
}
