using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>Unrolls any <see cref="RecurrentCell"/> over a time-major sequence [T, batch, in].</summary>
public static class SequenceRunner
{
    /// <summary>
    /// Runs the cell from <paramref name="state"/> (zeros when null). The cell is prepared once, so
    /// its recurrent matrix is built once per call (once per sequence or BPTT window).
    /// </summary>
    public static (Tensor Outputs, RecurrentState Final) Run(RecurrentCell cell, Tensor inputs,
        RecurrentState? state = null, UnrollMode mode = UnrollMode.Fused)
    {
        var (recurrence, current) = Prepare(cell, inputs, state);
        if (mode == UnrollMode.Fused && recurrence is IFusedRecurrence fused)
            return fused.Unroll(inputs, current);

        long steps = inputs.shape[0];
        var outputs = new Tensor[steps];
        for (long t = 0; t < steps; t++)
        {
            current = recurrence.Step(inputs[t], current);
            outputs[t] = recurrence.Output(current);
        }
        return (stack(outputs), current);
    }

    /// <summary>
    /// The features after the last step only ([batch, OutputSize]), for a read-out of the whole
    /// sequence (sequence classification); the same values and gradients as <see cref="Run"/>'s last output.
    /// </summary>
    public static Tensor RunLast(RecurrentCell cell, Tensor inputs, RecurrentState? state = null, UnrollMode mode = UnrollMode.Fused)
    {
        var (recurrence, current) = Prepare(cell, inputs, state);
        if (mode == UnrollMode.Fused && recurrence is IFusedRecurrence fused)
            return fused.UnrollLast(inputs, current);
        for (long t = 0; t < inputs.shape[0]; t++)
            current = recurrence.Step(inputs[t], current);
        return recurrence.Output(current);
    }

    /// <summary>Checks x [T, batch, in], fills in the zero state and prepares the cell (its recurrent matrix built once).</summary>
    private static (IRecurrence Recurrence, RecurrentState Start) Prepare(RecurrentCell cell, Tensor inputs, RecurrentState? state)
    {
        if (inputs.dim() != 3 || inputs.shape[2] != cell.InputSize)
            throw new ArgumentException($"expected inputs [T, batch, {cell.InputSize}], got [{string.Join(", ", inputs.shape)}]");
        return (cell.Prepare(), state ?? cell.InitialState(inputs.shape[1], inputs.device, inputs.dtype));
    }
}
