namespace NnRnn.Experiments.Data;

/// <summary>An IDX1 label file; every label is already checked to lie in 0..classes−1.</summary>
public sealed record IdxLabels(string Path, long[] Labels)
{
    public int Count => Labels.Length;
}
