using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>Input/recurrent weight initialisers named by <c>--iinit</c> / <c>--rinit</c>.</summary>
internal static class WeightInit
{
    /// <summary>Fills a [fan_out, fan_in] weight: xavier = Glorot normal, kaiming = He normal.</summary>
    /// <param name="paramName">The caller's parameter that chose the scheme (named in the error for an orthogonal one).</param>
    /// <param name="weight">The weight to fill.</param>
    /// <param name="scheme">xavier or kaiming.</param>
    public static void Apply(Tensor weight, Initializer scheme, string paramName)
    {
        using var _ = no_grad();
        switch (scheme)
        {
            case Initializer.Xavier: nn.init.xavier_normal_(weight); break;
            case Initializer.Kaiming: nn.init.kaiming_normal_(weight); break;
            default: throw new ArgumentException($"expected xavier or kaiming for this weight (got {SeedNames.Of(scheme)})", paramName);
        }
    }
}
