using NnRnn.Cells;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Models;

/// <summary>A recurrent cell followed by a linear read-out at every step (the reference's copy-task model).</summary>
public sealed class PerStepReadoutModel : ReadoutModel
{
    public PerStepReadoutModel(RecurrentCell cell, long outputs, bool glorotReadout = true, Generator? generator = null,
        InitStyle style = InitStyle.Documented)
        : base("PerStepReadoutModel", cell, outputs, glorotReadout, generator, style)
        => RegisterComponents();

    /// <summary>The hidden features of the last <see cref="forward"/> ([T, B, OutputSize]).</summary>
    internal Tensor? LastFeatures { get; private set; }

    /// <summary>x [T, B, in] → outputs [T, B, outputs].</summary>
    public override Tensor forward(Tensor input)
    {
        LastFeatures = Features(input);
        return lin.forward(LastFeatures);
    }
}
