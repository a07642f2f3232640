using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// Weight initialisers named by <c>--iinit</c> / <c>--rinit</c>, and PyTorch's default Linear and
/// Embedding initialisation, each drawing from a given generator (libtorch's global one when null).
/// A run passes its own generator, so two runs in one process never interleave their draws.
/// </summary>
public static class WeightInit
{
    /// <summary>Fills a [fan_out, fan_in] weight: xavier = Glorot (as TorchSharp's xavier_normal_ draws it), kaiming = He normal.</summary>
    /// <param name="paramName">The caller's parameter that chose the scheme (named in the error for an orthogonal one).</param>
    /// <param name="weight">The weight to fill.</param>
    /// <param name="scheme">xavier or kaiming.</param>
    /// <param name="generator">The generator to draw from (the global one when null).</param>
    /// <param name="style">Original: xavier is a real Glorot normal, as torch.nn.init.xavier_normal_ in the reference.</param>
    public static void Apply(Tensor weight, Initializer scheme, string paramName, Generator? generator = null, InitStyle style = InitStyle.Documented)
    {
        using var _ = no_grad();
        var (fanIn, fanOut) = Fans(weight);
        switch (scheme)
        {
            case Initializer.Xavier when style == InitStyle.Original:
                weight.normal_(0, Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
                break;
            case Initializer.Xavier:
            {
                // TorchSharp 0.107's nn.init.xavier_normal_ draws Glorot *uniform* values (U(±√3·σ),
                // σ = √(2/(fan_in + fan_out))); every recorded run used it, so the same draw is kept here.
                double bound = Math.Sqrt(3.0) * (1.0 * Math.Sqrt(2.0 / (fanIn + fanOut)));
                weight.uniform_(-bound, bound, generator);
                break;
            }
            case Initializer.Kaiming:
                // He normal (a = 0, fan_in): σ = √2/√fan_in, as torch.nn.init.kaiming_normal_.
                weight.normal_(0, Math.Sqrt(2.0 / (1 + 0.0)) / Math.Sqrt(fanIn), generator);
                break;
            default:
                throw new ArgumentException($"expected xavier or kaiming for this weight (got {SeedNames.Of(scheme)})", paramName);
        }
    }

    /// <summary>
    /// An <c>nn.Linear</c> whose parameters are redrawn from <paramref name="generator"/> with PyTorch's
    /// default distribution (reset_parameters: weight kaiming-uniform with a = √5, i.e. U(±1/√fan_in),
    /// bias U(±1/√fan_in)), in the same order, so the draws match a global generator seeded alike.
    /// </summary>
    public static Linear Linear(long inputSize, long outputSize, bool hasBias, Generator? generator)
    {
        var linear = nn.Linear(inputSize, outputSize, hasBias);
        if (generator is null) return linear;
        using var _ = no_grad();
        double gain = Math.Sqrt(2.0 / (1 + 5.0));
        double bound = Math.Sqrt(3.0) * (gain / Math.Sqrt(inputSize));
        linear.weight!.uniform_(-bound, bound, generator);
        if (linear.bias is { } bias)
        {
            double biasBound = 1 / Math.Sqrt(inputSize);
            bias.uniform_(-biasBound, biasBound, generator);
        }
        return linear;
    }

    /// <summary>An <c>nn.Embedding</c> redrawn from <paramref name="generator"/> with PyTorch's default N(0, 1).</summary>
    public static Embedding Embedding(long count, long dimension, Generator? generator)
    {
        var embedding = nn.Embedding(count, dimension);
        if (generator is null) return embedding;
        using var _ = no_grad();
        embedding.weight!.normal_(0, 1, generator);
        return embedding;
    }

    private static (long FanIn, long FanOut) Fans(Tensor weight)
    {
        long receptive = weight.dim() > 2 ? weight.shape.Skip(2).Aggregate(1L, (a, b) => a * b) : 1;
        return (weight.shape[1] * receptive, weight.shape[0] * receptive);
    }
}
