namespace NnRnn.Analysis.Fidelity;

/// <summary>
/// A fidelity task recorded per epoch (psMNIST, PTB): its cache folder under the runs folder, its models
/// and the columns of the per-run CSV that are compared (a training curve, a validation curve, a test value).
/// </summary>
public sealed record EpochTask(string Title, string Folder, IReadOnlyList<string> Models,
    string Train, string TrainLabel, string Valid, string ValidLabel, string Test, string TestLabel)
{
    /// <summary>psMNIST (scripts/fidelity/collect_psmnist.sh): train cross-entropy, validation and test accuracy.</summary>
    public static EpochTask Psmnist(string title) => new(title, "psmnist", ["RNN", "expRNN", "nnRNN", "LSTM"],
        "train_loss", "train loss", "valid_accuracy", "valid accuracy", "test_accuracy", "test accuracy");

    /// <summary>PTB characters (scripts/fidelity/collect_ptb.sh): bits per character of train, validation and test.</summary>
    public static EpochTask Ptb(string title) => new(title, "ptb", ["RNN", "expRNN", "nnRNN"],
        "train_bpc", "train bpc", "valid_bpc", "valid bpc", "test_bpc", "test bpc");
}
