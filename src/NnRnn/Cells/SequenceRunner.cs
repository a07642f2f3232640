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
        return mode == UnrollMode.Fused && recurrence is IFusedRecurrence fused ? fused.Unroll(inputs, current) : Steps(recurrence, inputs, current);
    }

    /// <summary>One <see cref="IRecurrence.Step"/> per time step (per-step autograd), the outputs stacked.</summary>
    private static (Tensor Outputs, RecurrentState Final) Steps(IRecurrence recurrence, Tensor inputs, RecurrentState current)
    {
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

    /// <summary>
    /// Runs the cell on the rows of <paramref name="table"/> [V, in] picked by <paramref name="tokens"/>
    /// [T, batch] (an embedding lookup), as <see cref="Run"/> on table[tokens]. A fused recurrence whose
    /// input map is linear maps the V rows of the table once and picks the mapped rows (U(E)[tokens] =
    /// U(E[tokens])): a [V, in] × [in, width] product instead of [T·B, in] × [in, width], and in backward
    /// the tokens' gradients summed per row before the products.
    /// </summary>
    public static (Tensor Outputs, RecurrentState Final) RunEmbedded(RecurrentCell cell, Tensor tokens, Tensor table,
        RecurrentState? state = null, UnrollMode mode = UnrollMode.Fused)
    {
        if (tokens.dim() != 2) throw new ArgumentException($"expected token ids [T, batch], got [{string.Join(", ", tokens.shape)}]");
        if (table.dim() != 2 || table.shape[1] != cell.InputSize)
            throw new ArgumentException($"expected an embedding table [V, {cell.InputSize}], got [{string.Join(", ", table.shape)}]");
        var recurrence = cell.Prepare();
        var current = state ?? cell.InitialState(tokens.shape[1], table.device, table.dtype);
        if (mode == UnrollMode.Fused && recurrence is IFusedRecurrence fused)
        {
            if (fused.ProjectRows(table) is not { } mapped) return fused.Unroll(Lookup(tokens, table), current);
            using var projected = Lookup(tokens, mapped);
            return fused.UnrollProjected(projected, current);
        }
        return Steps(recurrence, Lookup(tokens, table), current);
    }

    /// <summary>table[tokens]: [T, batch] ids → [T, batch, width] rows (backward sums each row's gradients).</summary>
    private static Tensor Lookup(Tensor tokens, Tensor table)
    {
        if (RowLookup.Worthwhile(tokens, table)) return RowLookup.Apply(tokens, table);   // large: into pooled memory
        using var flat = tokens.reshape(-1);
        return table.index_select(0, flat).view(tokens.shape[0], tokens.shape[1], table.shape[1]);
    }

    /// <summary>Checks x [T, batch, in], fills in the zero state and prepares the cell (its recurrent matrix built once).</summary>
    private static (IRecurrence Recurrence, RecurrentState Start) Prepare(RecurrentCell cell, Tensor inputs, RecurrentState? state)
    {
        if (inputs.dim() != 3 || inputs.shape[2] != cell.InputSize)
            throw new ArgumentException($"expected inputs [T, batch, {cell.InputSize}], got [{string.Join(", ", inputs.shape)}]");
        return (cell.Prepare(), state ?? cell.InitialState(inputs.shape[1], inputs.device, inputs.dtype));
    }
}
