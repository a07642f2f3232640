namespace NnRnn.Experiments.Reports;

/// <summary>Which runs a report keeps: a task and net types (null: all).</summary>
public sealed record ReportFilter(string? Task = null, IReadOnlyCollection<string>? NetTypes = null)
{
    public bool Keeps(RunRecord run)
        => (Task is null || run.Task == Task)
           && (NetTypes is null || NetTypes.Count == 0 || NetTypes.Contains(run.NetType, StringComparer.OrdinalIgnoreCase));
}
