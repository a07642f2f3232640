using NnRnn.Experiments.Data;
using Xunit;

namespace NnRnn.Tests.Data;

public sealed class PtbCorpusTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text)
    {
        File.WriteAllText(_dir.File(name), text);
        return _dir.File(name);
    }

    private void WriteCorpus(string train, string valid, string test, string prefix = "ptb.char.")
    {
        Write($"{prefix}train.txt", train);
        Write($"{prefix}valid.txt", valid);
        Write($"{prefix}test.txt", test);
    }

    [Fact]
    public void TokensAreWhitespaceSeparatedWithEosPerLineAndIdsInFirstAppearanceOrder()
    {
        WriteCorpus(" b a _ b \n a \n", "a b\n", "\tb\n");

        var corpus = PtbCorpus.Load(_dir.Path);

        Assert.Equal(["b", "a", "_", "<eos>"], corpus.Vocabulary.Tokens);
        Assert.Equal([0L, 1, 2, 0, 3, 1, 3], corpus.Train);
        Assert.Equal([1L, 0, 3], corpus.Valid);
        Assert.Equal([0L, 3], corpus.Test);
    }

    [Fact]
    public void AcceptsPlainFileNames()
    {
        WriteCorpus("a\n", "a\n", "a\n", prefix: "");
        Assert.Equal(2, PtbCorpus.Load(_dir.Path).Vocabulary.Count);
    }

    [Fact]
    public void UnknownTokenNamesTokenFileAndLine()
    {
        WriteCorpus("a b\n", "a\nb\n", "a\nb z\n");
        var e = Assert.Throws<DataFormatException>(() => PtbCorpus.Load(_dir.Path));
        Assert.Equal($"{_dir.File("ptb.char.test.txt")}:2: token 'z' is not in the vocabulary of {_dir.File("ptb.char.train.txt")}", e.Message);
    }

    [Fact]
    public void EmptyCorpusIsAnError()
    {
        WriteCorpus("a\n", "  \n\n", "a\n");
        var e = Assert.Throws<DataFormatException>(() => PtbCorpus.Load(_dir.Path));
        Assert.StartsWith($"{_dir.File("ptb.char.valid.txt")}: empty corpus", e.Message);

        Write("ptb.char.valid.txt", "");
        Assert.Throws<DataFormatException>(() => PtbCorpus.Load(_dir.Path));
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        Write("ptb.char.train.txt", "a\n");
        var e = Assert.Throws<DataMissingException>(() => PtbCorpus.Load(_dir.Path));
        Assert.Contains(_dir.File("ptb.char.valid.txt"), e.Message);
    }

    [Fact]
    public void BatchifyMakesContiguousColumnsAndDropsTheRemainder()
    {
        using var batched = PtbCorpus.Batchify([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3);

        Assert.Equal(new long[] { 3, 3 }, batched.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Int64, batched.dtype);
        // column j holds ids[3j .. 3j+3): same as data.view(3, -1).t()
        Assert.Equal(new long[] { 0, 3, 6, 1, 4, 7, 2, 5, 8 }, batched.data<long>().ToArray());
    }

    [Fact]
    public void BatchifyRejectsTooFewTokens()
    {
        Assert.Throws<ArgumentException>(() => PtbCorpus.Batchify([1, 2], 3));
    }

    [Fact]
    public void UnigramEntropyOfUniformTokensIsLogOfTheirNumber()
    {
        Assert.Equal(Math.Log(4), UnigramEntropy.Nats([0, 1, 2, 3, 3, 2, 1, 0], 4), 12);
        Assert.Equal(0, UnigramEntropy.Nats([2, 2, 2], 3));
    }

    [FactRequiresFile(TestData.PtbValid)]
    public void RealCharacterFilesLoad()
    {
        // The shared data has no train file: valid stands in for it (test's characters are a subset).
        string valid = TestData.Resolve(TestData.PtbValid), test = TestData.Resolve(TestData.PtbTest);

        var corpus = PtbCorpus.Load(valid, valid, test);

        Assert.Equal(393_043, corpus.Train.Length);    // as Python's line.split() + ['<eos>'] counts
        Assert.Equal(442_424, corpus.Test.Length);
        Assert.Equal(50, corpus.Vocabulary.Count);
        Assert.Equal(["c", "o", "n", "s", "u", "m", "e", "r", "_"], corpus.Vocabulary.Tokens.Take(9));
        Assert.Equal(3.00536036236, corpus.TrainUnigramEntropyNats, 9);
    }
}
