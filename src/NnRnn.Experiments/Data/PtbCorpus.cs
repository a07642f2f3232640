using static TorchSharp.torch;

namespace NnRnn.Experiments.Data;

/// <summary>
/// The PTB character corpus (REFERENCE.md "Tasks"): each line split on whitespace plus an
/// <c>&lt;eos&gt;</c> token. The vocabulary comes from the training file only; a valid/test token
/// outside it is an error (the model has no output for it), not a silent new id.
/// </summary>
public sealed class PtbCorpus
{
    private PtbCorpus(PtbVocabulary vocabulary, long[] train, long[] valid, long[] test)
    {
        Vocabulary = vocabulary;
        Train = train;
        Valid = valid;
        Test = test;
        TrainUnigramEntropyNats = UnigramEntropy.Nats(train, vocabulary.Count);
    }

    public PtbVocabulary Vocabulary { get; }
    public long[] Train { get; }
    public long[] Valid { get; }
    public long[] Test { get; }

    /// <summary>
    /// Entropy (nats per token, &lt;eos&gt; included) of the training tokens' frequencies: the loss
    /// of the best model that ignores context, which a trained model must beat.
    /// </summary>
    public double TrainUnigramEntropyNats { get; }

    /// <summary>
    /// Loads from a directory holding ptb.char.{train,valid,test}.txt or {train,valid,test}.txt
    /// (the ptb.char names win when both exist).
    /// </summary>
    public static PtbCorpus Load(string directory)
    {
        string Find(string part)
        {
            string charName = Path.Combine(directory, $"ptb.char.{part}.txt"), plain = Path.Combine(directory, $"{part}.txt");
            if (File.Exists(charName)) return charName;
            if (File.Exists(plain)) return plain;
            throw new DataMissingException($"{charName}: file not found (nor {plain})");
        }
        return Load(Find("train"), Find("valid"), Find("test"));
    }

    public static PtbCorpus Load(string trainPath, string validPath, string testPath)
    {
        var vocabulary = new PtbVocabulary();
        var train = PtbTokenizer.Tokenize(trainPath, vocabulary, null);
        var valid = PtbTokenizer.Tokenize(validPath, vocabulary, trainPath);
        var test = PtbTokenizer.Tokenize(testPath, vocabulary, trainPath);
        return new PtbCorpus(vocabulary, train, valid, test);
    }

    /// <summary>
    /// Lays <paramref name="ids"/> out as <paramref name="batch"/> contiguous columns, dropping the
    /// remainder: int64 [len/batch, batch], column j = ids[j·n .. (j+1)·n) — the reference's
    /// <c>data.view(batch, -1).t()</c>, so each column is one continuous stretch of text.
    /// </summary>
    public static Tensor Batchify(long[] ids, int batch)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "must be positive");
        long rows = ids.LongLength / batch;
        if (rows == 0) throw new ArgumentException($"{ids.Length} tokens are fewer than the batch size {batch}", nameof(ids));
        using var scope = NewDisposeScope();
        var flat = tensor(ids.AsSpan(0, (int)(rows * batch)).ToArray(), new long[] { batch, rows }, dtype: ScalarType.Int64);
        return flat.t().contiguous().MoveToOuterDisposeScope();
    }
}
