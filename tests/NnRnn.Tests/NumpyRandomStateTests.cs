using Xunit;
using NnRnn.Experiments.Data;
using NnRnn.Randomness;
using NnRnn.Experiments.Tasks;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>
/// The reference's sMNIST.py draws its pixel order and split from numpy's RandomState(1234); these
/// values were printed by numpy 1.24 (Debian's python3-numpy):
/// <c>r = RandomState(1234); r.permutation(784); r.permutation(60000)</c> and <c>RandomState(1234).permutation(10)</c>.
/// </summary>
public class NumpyRandomStateTests
{
    [Fact]
    public void Mt19937_matches_the_published_reference_output()
    {
        // Matsumoto & Nishimura's mt19937ar: init_genrand(5489) gives 3499211612 first; C++'s
        // std::mt19937 requires its 10000th output to be 4123659995
        var rng = new NumpyRandomState(5489);
        Assert.Equal(3499211612u, rng.NextUInt32());
        for (int i = 2; i < 10_000; i++) rng.NextUInt32();
        Assert.Equal(4123659995u, rng.NextUInt32());
    }

    [Fact]
    public void Permutation_matches_numpy()
    {
        Assert.Equal(new long[] { 7, 2, 9, 1, 0, 8, 4, 5, 6, 3 }, new NumpyRandomState(1234).Permutation(10));
        var rng = new NumpyRandomState(1234);
        var order = rng.Permutation(784);
        Assert.Equal(new long[] { 529, 511, 328, 133, 532, 378, 156, 305 }, order[..8]);
        Assert.Equal(new long[] { 204, 53, 294, 723 }, order[^4..]);
        var r = rng.Permutation(60_000);
        Assert.Equal(new long[] { 8550, 21862, 695, 39481, 32467, 48691 }, r[..6]);
        Assert.Equal(new long[] { 47579, 56372, 8313, 14595 }, r[50_000..50_004]);
        Assert.Equal(new long[] { 18138, 56184, 36786 }, r[^3..]);
        Assert.Equal(Enumerable.Range(0, 60_000).Select(i => (long)i), r.Order());
    }

    [Fact]
    public void Doubles_uniforms_and_normals_match_numpy()
    {
        // numpy 1.24: r = RandomState(400); r.random_sample(3); r.uniform(-pi, 0, size=2); r.normal(size=3); r.random_sample()
        var rng = new NumpyRandomState(400);
        Assert.Equal(new[] { 0.6687289088341747, 0.22599847009845475, 0.8592987413441139 }, new[] { rng.RandomSample(), rng.RandomSample(), rng.RandomSample() });
        Assert.Equal(new[] { -2.229293232157212, -2.6759588936038083 }, rng.Uniform(-Math.PI, 0, 2));
        var normals = rng.Normal(3);
        Assert.Equal(new[] { 1.0673385916545066, -0.28564639196494035, 0.7704791063031736 }, normals, (a, b) => Math.Abs(a - b) <= 1e-15);
        // the fourth Gaussian of the second pair stays cached, so the next uniform is the next pair's draw
        Assert.Equal(0.3757559446467349, rng.RandomSample());
    }

    [Fact]
    public void Randint_matches_numpy_and_the_state_round_trips()
    {
        // numpy 1.24: RandomState(400).randint(8, size=10)
        Assert.Equal(new long[] { 4, 7, 6, 1, 4, 3, 7, 6, 5, 0 }, new NumpyRandomState(400).RandInt(8, 10));
        var rng = new NumpyRandomState(7);
        rng.Normal(3);                       // leaves a Gaussian kept
        var saved = rng.State();
        var expected = (rng.Normal(2), rng.RandInt(5, 700), rng.RandomSample());   // crosses a twist
        var other = new NumpyRandomState(1);
        other.Restore(saved);
        var again = (other.Normal(2), other.RandInt(5, 700), other.RandomSample());
        Assert.Equal(expected.Item1, again.Item1);
        Assert.Equal(expected.Item2, again.Item2);
        Assert.Equal(expected.Item3, again.Item3);
        Assert.Throws<ArgumentException>(() => other.Restore(new long[3]));
    }

    [Fact]
    public void Sequential_mnist_uses_the_reference_order_and_split()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 529, 511, 328 }, SequentialMnist.FixedPermutation(784).data<long>().Take(3));
        using var images = zeros(60_000, 784);
        using var labels = zeros(60_000, dtype: ScalarType.Int64);
        using var data = new SequentialMnist(images.clone(), labels.clone(), zeros(10, 784), zeros(10, dtype: ScalarType.Int64),
            permute: true, limitTrain: 6);
        // sMNIST.py: train = R[:50000] in order (shuffle=False), validation = R[50000:]
        Assert.Equal(new long[] { 8550, 21862, 695, 39481, 32467, 48691 }, data.TrainIndices.data<long>().ToArray());
        Assert.Equal(new long[] { 47579, 56372, 8313, 14595 }, data.ValidIndices.data<long>().Take(4));
    }
}
