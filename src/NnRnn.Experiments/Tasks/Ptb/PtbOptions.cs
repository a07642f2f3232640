using System.ComponentModel;
using System.Text.Json.Serialization;
using NnRnn.Cells;
using NnRnn.Experiments.Training;
using NnRnn.Optim;

namespace NnRnn.Experiments.Tasks;

/// <summary>
/// <c>nnrnn ptb</c>: character-level Penn Treebank language modelling. The defaults are the seed's
/// nnRNN PTB row for T<sub>PTB</sub> = 150: N = 1024, embedding 200, Adam β = (0.0, 0.9), lr 0.002,
/// lr_orth 0.0002, δ 1e-4, T decay 1e-5, cayley, gradient clipping 10, BPTT windows of 150; plus
/// batch 128 and 100 epochs (the reference language_task.py's defaults; the seed's tables do not
/// give them) and evaluation batch 10.
/// </summary>
public sealed record PtbOptions : RunOptions
{
    public PtbOptions()
    {
        HiddenSize = 1024;
        Batch = 128;
        Optimizer = OptimizerKind.Adam;
        Betas = new[] { 0.0, 0.9 };
        LearningRate = 0.002;
        OrthogonalLearningRate = 0.0002;
        Delta = 1e-4;
        NonNormalDecay = 1e-5;
        RecurrentInit = Initializer.Cayley;
        Clip = 10;
    }

    /// <summary><c>--emsize</c>: size of the character embeddings (the cell's input size).</summary>
    [JsonPropertyName("emsize"), Description("size of the character embeddings")] public int Emsize { get; init; } = 200;

    /// <summary><c>--epochs</c>: passes over the training text.</summary>
    [JsonPropertyName("epochs"), Description("number of epochs")] public int Epochs { get; init; } = 100;

    /// <summary><c>--bptt</c>: length of a truncated-BPTT window (the seed uses 150 and 300).</summary>
    [JsonPropertyName("bptt"), Description("length of a truncated-BPTT window")] public int Bptt { get; init; } = 150;

    /// <summary><c>--eval-batch</c>: columns of the validation and test text (the reference's 10).</summary>
    [JsonPropertyName("eval-batch"), Description("columns of the validation and test texts")] public int EvalBatch { get; init; } = 10;

    /// <summary><c>--log-interval</c>: report the training loss every this many windows.</summary>
    [JsonPropertyName("log-interval"), Description("print the training loss every N windows")] public int LogInterval { get; init; } = 200;

    /// <summary><c>--max-windows</c>: train on at most this many windows per epoch (0: all; for quick runs).</summary>
    [JsonPropertyName("max-windows"), Description("train on at most N windows per epoch (0: all; for quick runs)")] public int MaxWindows { get; init; }

    /// <summary>
    /// <c>--data-dir</c>: a directory holding the PTB files, or a data root holding them in its
    /// <c>ptb</c> folder; null for the default data root. options.json records the folder used.
    /// </summary>
    [JsonPropertyName("data-dir"), Description("directory with ptb.char.{train,valid,test}.txt (or {train,valid,test}.txt), or a data root with them in ptb/ (default: the ptb folder of $NNRNN_DATA or ~/.cache/nnrnn)")] public string? DataDir { get; init; }

    [JsonIgnore] public override string TaskName => "ptb";

    public override TrainingTask CreateTask() => new PtbTraining(this);

    /// <summary>Characters in PTB's training text's vocabulary (a lower bound before the corpus is read).</summary>
    private const int Vocabulary = 50;

    /// <summary>Embedded characters in, a read-out at every step of a window, the embedding table; the corpus as int64 tokens (about 6 M).</summary>
    public override RunFootprint Footprint() => new(Math.Max(1, Emsize), Vocabulary, Math.Max(0, Bptt), Math.Max(0, Bptt), nameof(Bptt),
        ExtraParameters: Vocabulary * (double)Math.Max(0, Emsize), ExtraOption: nameof(Emsize), DataBytes: 6e6 * 8);

    /// <summary>Embedding(vocabulary, emsize) and a read-out over the vocabulary (read from the training text).</summary>
    public override Models.ModelShape ModelShape()
    {
        long vocabulary = Data.PtbCorpus.Load(PtbTraining.CorpusFolder(DataDir)).Vocabulary.Count;
        return new(Emsize, vocabulary, vocabulary);
    }

    /// <summary>Also records the folder the corpus was found in (a missing file is reported here, before anything is written).</summary>
    public override RunOptions Resolve() => this with { DataDir = PtbTraining.CorpusFolder(DataDir) };

    public override void Validate()
    {
        base.Validate();
        Positive(Emsize, nameof(Emsize));
        Positive(Epochs, nameof(Epochs));
        Positive(Bptt, nameof(Bptt));
        Positive(EvalBatch, nameof(EvalBatch));
        Positive(LogInterval, nameof(LogInterval));
        if (MaxWindows < 0) throw new ArgumentException($"must be non-negative (got {MaxWindows})", nameof(MaxWindows));
        if (DataDir is { Length: 0 }) throw new ArgumentException("empty path", nameof(DataDir));
    }
}
