using NnRnn.Orthogonal;
using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>
/// B = expm(A) as one autograd node whose backward is the adjoint of the Fréchet derivative,
/// dL/dA = Dexp(Aᵀ)[dL/dB] (Al-Mohy &amp; Higham 2009; expRNN §4): exact, and cheaper than autograd
/// through the Padé and squaring steps.
/// </summary>
internal sealed class ExpmFrechetFunction : autograd.SingleTensorFunction<ExpmFrechetFunction>
{
    public override string Name => "ExpmFrechet";

    public static Tensor Apply(Tensor a) => apply(a);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var a = (Tensor)vars[0];
        ctx.save_for_backward(new List<Tensor> { a });
        return MatrixExponential.Expm(a.detach());
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradB)
    {
        var a = ctx.get_saved_variables()[0];
        using var _ = no_grad();
        return new List<Tensor> { MatrixExponential.Frechet(a.detach().t(), gradB) };
    }
}
