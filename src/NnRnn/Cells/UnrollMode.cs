namespace NnRnn.Cells;

/// <summary>How <see cref="SequenceRunner"/> unrolls a cell over time.</summary>
public enum UnrollMode
{
    /// <summary>A whole-sequence autograd node with hand-written BPTT where the cell has one; else step by step.</summary>
    Fused,

    /// <summary>Plain autograd through every step (the reference's graph).</summary>
    StepByStep,
}
