namespace NnRnn.Analysis.Fidelity;

/// <summary>Loss per update of several seeds of one model and one implementation (ours or the original).</summary>
public sealed record LearningCurves(string Model, string Implementation, IReadOnlyDictionary<int, double[]> LossBySeed)
{
    /// <summary>The update windows of the fidelity report (1-based, inclusive), as the table.</summary>
    public static readonly (int From, int To)[] Windows = [(1, 50), (50, 250), (250, 500), (500, 1000), (1000, 1500)];

    /// <summary>Median loss of each seed over updates <paramref name="from"/>..<paramref name="to"/>.</summary>
    public double[] WindowMedians(int from, int to)
        => LossBySeed.Values.Where(l => l.Length >= to).Select(l => Median(l[(from - 1)..to])).ToArray();

    /// <summary>As <see cref="WindowMedians"/>, keyed by seed (for the paired test).</summary>
    public IReadOnlyDictionary<int, double> WindowMediansBySeed(int from, int to)
        => LossBySeed.Where(s => s.Value.Length >= to).ToDictionary(s => s.Key, s => Median(s.Value[(from - 1)..to]));

    /// <summary>Seeds whose first 50 updates stayed near ln 9, the loss of a uniform guess over the 9 classes.</summary>
    public int SlowStarts => WindowMedians(1, 50).Count(m => m > 0.8 * Math.Log(9));

    /// <summary>Per update: mean over seeds and its standard error.</summary>
    public (double[] Mean, double[] StandardError) MeanCurve()
    {
        int length = LossBySeed.Values.Min(l => l.Length);
        var mean = new double[length];
        var se = new double[length];
        int n = LossBySeed.Count;
        for (int t = 0; t < length; t++)
        {
            var xs = LossBySeed.Values.Select(l => l[t]).ToArray();
            mean[t] = xs.Average();
            se[t] = n > 1 ? Math.Sqrt(xs.Sum(x => (x - mean[t]) * (x - mean[t])) / (n - 1) / n) : 0;
        }
        return (mean, se);
    }

    public static double Median(IReadOnlyList<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>Reads DIR/MODEL-SEED.csv files (update,loss,accuracy) of one implementation.</summary>
    public static LearningCurves Read(string dir, string model, string implementation)
    {
        var bySeed = new SortedDictionary<int, double[]>();
        if (Directory.Exists(dir))
            foreach (var file in Directory.GetFiles(dir, model + "-*.csv"))
            {
                var seedText = Path.GetFileNameWithoutExtension(file)[(model.Length + 1)..];
                if (!int.TryParse(seedText, out int seed)) continue;   // e.g. RNN-orth-400.csv when reading RNN
                bySeed[seed] = File.ReadLines(file).Skip(1).Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            }
        return new LearningCurves(model, implementation, bySeed);
    }
}
