namespace NnRnn.Experiments.Models;

/// <summary>
/// What a task puts around the cell: x_t's width, the read-out's outputs (a Linear with bias on the
/// cell's output) and, for PTB, an embedding of <see cref="EmbeddingRows"/> tokens into x_t.
/// </summary>
public sealed record ModelShape(long InputSize, long Outputs, long EmbeddingRows = 0);
