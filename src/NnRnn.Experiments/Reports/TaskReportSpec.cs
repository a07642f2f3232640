namespace NnRnn.Experiments.Reports;

/// <summary>A table of one summary metric: rows are models, columns the task's setting (e.g. T_PTB).</summary>
/// <param name="Metric">The summary.json entry.</param>
/// <param name="Scale">Multiplies the value (accuracies are reported in percent, as the seed's tables).</param>
public sealed record TableSpec(string Name, string Title, string Metric, double Scale, int Decimals);

/// <summary>A learning curve of one metrics.csv column against another, with an optional dashed baseline from summary.json.</summary>
public sealed record CurveSpec(string Name, string Title, string XColumn, string XLabel, string YColumn, string YLabel, double Scale,
    string? BaselineMetric = null, string? BaselineLabel = null);

/// <summary>
/// What a report shows for a task, in the seed README's terms: the tables (same metrics and units),
/// the figure, and how runs split into columns (the setting the seed's columns vary).
/// </summary>
public sealed record TaskReportSpec(string Task, string Title, Func<RunRecord, string> Column, IReadOnlyList<TableSpec> Tables, CurveSpec Curve)
{
    public static readonly IReadOnlyList<TaskReportSpec> All =
    [
        new("copytask", "Copy task", r => $"T = {r.OptionValue("T")}",
            [new("copytask-final-loss", "Copy task: final loss (cross-entropy, mean over the final window of updates)", "final_loss", 1, 4)],
            new("copytask-loss", "Copy task: cross-entropy vs update", "step", "training iterations", "loss", "cross-entropy", 1,
                "memoryless_baseline", "memoryless baseline")),
        new("adding", "Adding problem", r => $"T = {r.OptionValue("T")}",
            [new("adding-final-loss", "Adding problem: final loss (MSE, mean over the final window of updates)", "final_loss", 1, 4)],
            new("adding-loss", "Adding problem: MSE vs update", "step", "training iterations", "loss", "MSE", 1,
                "baseline_mse", "predict 1 (baseline)")),
        new("psmnist", "Sequential MNIST", r => r.OptionFlag("permute") ? "permuted" : "unpermuted",
            [new("psmnist-test-accuracy", "Sequential MNIST: test accuracy (%)", "test_accuracy", 100, 2)],
            new("psmnist-valid-accuracy", "Sequential MNIST: validation accuracy vs epoch", "epoch", "epoch", "valid_accuracy", "validation accuracy (%)", 100)),
        new("ptb", "Penn Treebank (characters)", r => $"T_PTB = {r.OptionValue("bptt")}",
            [
                new("ptb-test-bpc", "PTB: test bits per character (BPC)", "test_bpc", 1, 3),
                new("ptb-test-accuracy", "PTB: test accuracy (%)", "test_accuracy", 100, 2),
            ],
            new("ptb-valid-bpc", "PTB: validation BPC vs epoch", "epoch", "epoch", "valid_bpc", "validation BPC", 1)),
    ];

    public static TaskReportSpec? For(string task) => All.FirstOrDefault(s => s.Task == task);
}
