namespace NnRnn.Experiments.Runs;

/// <summary>
/// One row of metrics.csv, typed. Each task's row type names its columns once
/// (<see cref="Columns"/>) and gives the values in that order.
/// </summary>
public abstract record MetricsRow
{
    /// <summary>The header of metrics.csv.</summary>
    public abstract IReadOnlyList<string> Columns { get; }

    /// <summary>The values, in <see cref="Columns"/> order.</summary>
    public abstract object[] Values();
}
