namespace NnRnn.Experiments.Data;

/// <summary>Token ↔ id map; ids are given in order of first appearance (as the reference's Dictionary does).</summary>
public sealed class PtbVocabulary
{
    public const string EndOfSentence = "<eos>";

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _tokens = [];

    public int Count => _tokens.Count;
    public IReadOnlyList<string> Tokens => _tokens;
    public string this[int id] => _tokens[id];

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <summary>The id of <paramref name="token"/>, adding it when new.</summary>
    public int Add(string token)
    {
        if (_ids.TryGetValue(token, out int id)) return id;
        id = _tokens.Count;
        _ids.Add(token, id);
        _tokens.Add(token);
        return id;
    }
}
