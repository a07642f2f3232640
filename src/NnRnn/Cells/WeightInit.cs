using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>Input/recurrent weight initialisers named by <c>--iinit</c> / <c>--rinit</c>.</summary>
public static class WeightInit
{
    /// <summary>Fills a [fan_out, fan_in] weight: xavier = Glorot normal, kaiming = He normal.</summary>
    public static void Apply(Tensor weight, string scheme, string option)
    {
        using var _ = no_grad();
        switch (scheme)
        {
            case "xavier": nn.init.xavier_normal_(weight); break;
            case "kaiming": nn.init.kaiming_normal_(weight); break;
            default: throw new ArgumentException($"{option}: unknown initialiser '{scheme}' (expected xavier or kaiming)");
        }
    }
}
