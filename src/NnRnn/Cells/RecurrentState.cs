using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// What a cell carries from one step to the next: one tensor for Elman-type cells (h), two for
/// the LSTM (h, c), a complex one for unitary cells. Shapes are the cell's business.
/// </summary>
public sealed class RecurrentState : IDisposable
{
    private readonly Tensor[] parts;

    /// <summary>A state made of <paramref name="parts"/> (taken over: <see cref="Dispose"/> disposes them).</summary>
    public RecurrentState(params Tensor[] parts)
    {
        if (parts.Length == 0) throw new ArgumentException("a recurrent state needs at least one tensor");
        this.parts = parts;
    }

    /// <summary>The hidden state h (the first part).</summary>
    public Tensor Hidden => parts[0];

    /// <summary>Number of tensors in the state.</summary>
    public int Count => parts.Length;

    /// <summary>The <paramref name="index"/>-th tensor of the state.</summary>
    public Tensor this[int index] => parts[index];

    /// <summary>Every tensor of the state.</summary>
    public IReadOnlyList<Tensor> Parts => parts;

    /// <summary>The same values cut from the graph (truncated BPTT carries state across windows this way).</summary>
    public RecurrentState Detach() => new(parts.Select(p => p.detach()).ToArray());

    /// <summary>Disposes every tensor of the state.</summary>
    public void Dispose()
    {
        foreach (var p in parts) p.Dispose();
    }

    /// <summary>Keeps the tensors alive beyond the current dispose scope.</summary>
    public RecurrentState MoveToOuterDisposeScope()
    {
        foreach (var p in parts) p.MoveToOuterDisposeScope();
        return this;
    }
}
