using System.Globalization;

namespace NnRnn.Analysis.Fidelity;

/// <summary>
/// Per-epoch records of several seeds of one model and one implementation (psMNIST, PTB): the cache's
/// DIR/MODEL-SEED.csv files, a header naming the columns (the first is the epoch) and one row per epoch.
/// </summary>
public sealed record EpochRuns(string Model, string Implementation, IReadOnlyDictionary<int, IReadOnlyDictionary<string, double[]>> BySeed)
{
    /// <summary>Column <paramref name="name"/> of every seed (one value per epoch); seeds without it are left out.</summary>
    public IReadOnlyDictionary<int, double[]> Column(string name)
        => BySeed.Where(s => s.Value.ContainsKey(name)).ToDictionary(s => s.Key, s => s.Value[name]);

    /// <summary>
    /// Per seed, the value at epoch <paramref name="epoch"/> (1-based; ≤ 0 counts from the end: 0 is the last).
    /// NaN values are left out (ours has no test value when every epoch exploded).
    /// </summary>
    public double[] At(string column, int epoch)
        => Column(column).Values.Where(v => v.Length > 0 && (epoch <= 0 ? v.Length + epoch > 0 : v.Length >= epoch))
                                .Select(v => v[epoch <= 0 ? v.Length - 1 + epoch : epoch - 1]).Where(x => !double.IsNaN(x)).ToArray();

    /// <summary>As <see cref="At"/>, keyed by seed (for the paired test).</summary>
    public IReadOnlyDictionary<int, double> AtBySeed(string column, int epoch)
        => Column(column).Where(s => s.Value.Length > 0 && (epoch <= 0 ? s.Value.Length + epoch > 0 : s.Value.Length >= epoch))
                         .Select(s => (s.Key, Value: s.Value[epoch <= 0 ? s.Value.Length - 1 + epoch : epoch - 1]))
                         .Where(s => !double.IsNaN(s.Value)).ToDictionary(s => s.Key, s => s.Value);

    /// <summary>Per epoch, the mean over seeds and its standard error (over the epochs every seed has).</summary>
    public (double[] Mean, double[] StandardError) MeanCurve(string column)
    {
        var runs = Column(column).Values.ToArray();
        if (runs.Length == 0) return ([], []);
        int length = runs.Min(r => r.Length);
        var mean = new double[length];
        var se = new double[length];
        for (int e = 0; e < length; e++)
            (mean[e], se[e]) = MeanSe(runs.Select(r => r[e]).ToArray());
        return (mean, se);
    }

    /// <summary>Mean and standard error (sample standard deviation / √n; NaN for one value).</summary>
    public static (double Mean, double StandardError) MeanSe(IReadOnlyList<double> xs)
    {
        if (xs.Count == 0) return (double.NaN, double.NaN);
        double m = xs.Average();
        double se = xs.Count > 1 ? Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Count - 1) / xs.Count) : double.NaN;
        return (m, se);
    }

    /// <summary>Reads DIR/MODEL-SEED.csv of one implementation; a file with a malformed number fails naming it.</summary>
    public static EpochRuns Read(string dir, string model, string implementation)
    {
        var bySeed = new SortedDictionary<int, IReadOnlyDictionary<string, double[]>>();
        if (Directory.Exists(dir))
            foreach (var file in Directory.GetFiles(dir, model + "-*.csv"))
            {
                if (!int.TryParse(Path.GetFileNameWithoutExtension(file)[(model.Length + 1)..], out int seed)) continue;   // RNN-orth-400 when reading RNN
                var lines = File.ReadLines(file).Where(l => l.Length > 0).ToArray();
                if (lines.Length < 2) continue;
                var header = lines[0].Split(',');
                var columns = header.ToDictionary(h => h, _ => new double[lines.Length - 1]);
                for (int row = 1; row < lines.Length; row++)
                {
                    var cells = lines[row].Split(',');
                    if (cells.Length != header.Length)
                        throw new InvalidDataException($"{file}: line {row + 1} has {cells.Length} values, the header {header.Length}");
                    for (int c = 0; c < header.Length; c++)
                        columns[header[c]][row - 1] = double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                            ? x : throw new InvalidDataException($"{file}: line {row + 1}: '{cells[c]}' is not a number ({header[c]})");
                }
                bySeed[seed] = columns;
            }
        return new EpochRuns(model, implementation, bySeed);
    }
}
