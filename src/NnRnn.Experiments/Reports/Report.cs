namespace NnRnn.Experiments.Reports;

/// <summary>A model of the seed's tables: one net type at one hidden size; its runs (seeds) are the replicates.</summary>
public sealed record ModelKey(string NetType, int HiddenSize)
{
    /// <summary>The seed's order of models (its tables list them so).</summary>
    private static readonly string[] Order = ["RNN", "RNN-orth", "EURNN", "expRNN", "nnRNN", "LSTM"];

    public string Label => $"{NetType} (N={HiddenSize})";

    public int Rank => Array.IndexOf(Order, NetType) is var i && i >= 0 ? i : Order.Length;
}

/// <summary>One cell of a table: the statistic over the finished runs that have the metric.</summary>
public sealed record TableCell(MeanSe Value, IReadOnlyList<string> Runs);

/// <summary>A table as the seed's README shows it: rows are models, columns the task's settings.</summary>
/// <param name="Parameters">Each row's trained parameter count (summary.json's <c>parameters</c>): how the seed's "fixed # of params" columns are read.</param>
public sealed record ReportTable(TableSpec Spec, string Task, IReadOnlyList<string> Columns, IReadOnlyList<ModelKey> Rows,
    IReadOnlyDictionary<(ModelKey Model, string Column), TableCell> Cells, IReadOnlyDictionary<ModelKey, long> Parameters)
{
    public TableCell? Cell(ModelKey model, string column) => Cells.TryGetValue((model, column), out var c) ? c : null;

    /// <summary>"1.32 M", "233": the row's parameter count, or "–" when its runs did not record one.</summary>
    public string ParameterText(ModelKey model) => !Parameters.TryGetValue(model, out var n) ? "–"
        : n >= 1_000_000 ? (n / 1e6).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " M"
        : n >= 10_000 ? (n / 1e3).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " k"
        : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One line of a figure: a model's mean curve over its runs, with the standard error at each point.</summary>
public sealed record CurveSeries(ModelKey Model, double[] X, double[] Mean, double[] Se, int Runs);

/// <summary>A figure: one task setting (e.g. T = 200), one line per model, an optional dashed baseline.</summary>
public sealed record CurvePlot(CurveSpec Spec, string Task, string Column, IReadOnlyList<CurveSeries> Series, double? Baseline)
{
    /// <summary>The PNG's file name: the curve's name and the column, e.g. copytask-loss-T-200.png.</summary>
    public string FileName => $"{Spec.Name}-{Slug(Column)}.png";

    public string Title => $"{Spec.Title}, {Column}";

    private static string Slug(string s) => string.Join("-", s.Split([' ', '=', '_'], StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>A run left out of the numbers (diverged, unfinished, unreadable), and why.</summary>
public sealed record ExcludedRun(string Directory, string Status, string Reason);

/// <summary>Everything a report shows; written as Markdown, CSV, PNG and HTML by <see cref="ReportWriter"/>.</summary>
public sealed record Report(IReadOnlyList<RunRecord> Runs, IReadOnlyList<ReportTable> Tables, IReadOnlyList<CurvePlot> Curves,
    IReadOnlyList<ExcludedRun> Excluded, IReadOnlyList<string> Notes);
