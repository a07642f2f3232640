using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// A cell prepared for one sequence (one truncated-BPTT window): whatever does not depend on the
/// data, such as the recurrent matrix, has been built once by <see cref="RecurrentCell.Prepare"/>.
/// </summary>
public interface IRecurrence
{
    /// <summary>One step: the next state from x_t [batch, in] and the previous state.</summary>
    RecurrentState Step(Tensor input, RecurrentState state);

    /// <summary>The features a read-out layer sees for a state ([batch, OutputSize]).</summary>
    Tensor Output(RecurrentState state);
}

/// <summary>
/// A recurrence that can also run a whole sequence as one autograd node with a hand-written
/// backward through time (much cheaper than a per-step graph on small shapes).
/// </summary>
public interface IFusedRecurrence : IRecurrence
{
    /// <summary>Runs x [T, batch, in]; returns the outputs [T, batch, OutputSize] and the final state.</summary>
    (Tensor Outputs, RecurrentState Final) Unroll(Tensor inputs, RecurrentState state);

    /// <summary>
    /// Runs x [T, batch, in] for a read-out of the last step only ([batch, OutputSize]). A recurrence
    /// may do it cheaper than <see cref="Unroll"/> followed by a slice, whose backward builds a dense
    /// [T, batch, OutputSize] gradient that is zero but for its last step.
    /// </summary>
    Tensor UnrollLast(Tensor inputs, RecurrentState state) => Unroll(inputs, state).Outputs[-1];

    /// <summary>
    /// The cell's input map applied to rows of inputs ([V, in] → [V, width]) when it is linear in
    /// them, else null. For inputs that are rows of an embedding table (a language model's
    /// characters) it is applied to the table once instead of to every one of the T·B rows.
    /// </summary>
    Tensor? ProjectRows(Tensor rows) => null;

    /// <summary>As <see cref="Unroll"/> from inputs already mapped by <see cref="ProjectRows"/> ([T, batch, width]).</summary>
    (Tensor Outputs, RecurrentState Final) UnrollProjected(Tensor projected, RecurrentState state)
        => throw new NotSupportedException("this recurrence has no projected unroll (ProjectRows returned null)");
}
