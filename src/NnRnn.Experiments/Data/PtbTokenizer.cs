namespace NnRnn.Experiments.Data;

/// <summary>Reads a PTB text file into token ids.</summary>
internal static class PtbTokenizer
{
    /// <param name="trainPath">Null while reading the training file (new tokens join the vocabulary);
    /// otherwise unknown tokens are errors that cite this file.</param>
    public static long[] Tokenize(string path, PtbVocabulary vocabulary, string? trainPath)
    {
        if (!File.Exists(path)) throw new DataMissingException($"{path}: file not found");
        var ids = new List<long>();
        int lineNumber = 0;
        bool anyToken = false;
        using var reader = new StringReader(StrictUtf8.ReadAllText(path));
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            foreach (var token in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                ids.Add(IdOf(token, path, lineNumber, vocabulary, trainPath));
                anyToken = true;
            }
            ids.Add(IdOf(PtbVocabulary.EndOfSentence, path, lineNumber, vocabulary, trainPath));
        }
        // Only <eos> tokens (blank lines) carries no text either: nothing to learn or evaluate.
        if (!anyToken) throw new DataFormatException(path, $"empty corpus: no tokens in {lineNumber} lines");
        return [.. ids];
    }

    private static long IdOf(string token, string path, int line, PtbVocabulary vocabulary, string? trainPath)
    {
        if (trainPath is null) return vocabulary.Add(token);
        if (vocabulary.TryGetId(token, out int id)) return id;
        throw new DataFormatException($"{path}:{line}", $"token '{token}' is not in the vocabulary of {trainPath}");
    }
}
