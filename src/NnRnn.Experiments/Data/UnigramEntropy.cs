namespace NnRnn.Experiments.Data;

/// <summary>Entropy of the empirical token distribution, in nats.</summary>
public static class UnigramEntropy
{
    public static double Nats(IReadOnlyList<long> ids, int vocabularySize)
    {
        if (ids.Count == 0) return 0;
        var counts = new long[vocabularySize];
        foreach (var id in ids) counts[id]++;
        double n = ids.Count, h = 0;
        foreach (var c in counts)
            if (c > 0) h -= c / n * Math.Log(c / n);
        return h;
    }
}
