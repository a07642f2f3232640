namespace NnRnn.Experiments.Data;

/// <summary>An images file and its labels file, checked to hold the same number of examples.</summary>
public sealed record IdxDataset(IdxImages Images, IdxLabels Labels)
{
    public int Count => Labels.Count;
}
