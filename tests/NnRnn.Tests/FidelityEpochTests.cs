using NnRnn.Analysis.Fidelity;
using Xunit;

namespace NnRnn.Tests;

public sealed class FidelityEpochTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("fidelity-epochs-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private void Write(string impl, string name, string text)
    {
        Directory.CreateDirectory(Path.Combine(dir, "psmnist", impl));
        File.WriteAllText(Path.Combine(dir, "psmnist", impl, name), text);
    }

    [Theory]
    // SciPy 1.10 scipy.stats.fisher_exact (two-sided) of the same tables
    [InlineData(4, 4, 1, 7, 0.28205128205128205)]
    [InlineData(4, 4, 2, 6, 0.6083916083916083)]
    [InlineData(3, 1, 1, 3, 0.48571428571428565)]
    [InlineData(10, 6, 2, 14, 0.00914703938353404)]
    public void Fisher_exact_matches_scipy(int a, int b, int c, int d, double expected)
        => Assert.Equal(expected, FisherExact.TwoSided(a, b, c, d), 1e-9);

    [Fact]
    public void Fisher_exact_is_one_for_equal_proportions_and_symmetric()
    {
        Assert.Equal(1, FisherExact.TwoSided(4, 4, 4, 4), 1e-12);
        Assert.Equal(FisherExact.TwoSided(1, 7, 4, 4), FisherExact.TwoSided(4, 4, 1, 7), 1e-12);
        Assert.Throws<ArgumentException>(() => FisherExact.TwoSided(-1, 2, 3, 4));
    }

    [Fact]
    public void Reads_columns_per_seed_and_summarises_first_and_last_epochs()
    {
        Write("ours", "nnRNN-400.csv", "epoch,train_loss,valid_accuracy,test_accuracy\n1,2.0,0.5,0.6\n2,1.0,0.7,0.6\n");
        Write("ours", "nnRNN-401.csv", "epoch,train_loss,valid_accuracy,test_accuracy\n1,3.0,0.4,0.8\n2,1.5,0.6,0.8\n3,1.2,0.65,0.8\n");
        Write("ours", "nnRNN-402.csv", "epoch,train_loss,valid_accuracy,test_accuracy\n1,4.0,0.1,nan\n");   // exploded: no test
        Write("ours", "nnRNN-orth-400.csv", "epoch,train_loss,valid_accuracy,test_accuracy\n1,9,9,9\n");   // another model
        var runs = EpochRuns.Read(Path.Combine(dir, "psmnist", "ours"), "nnRNN", "ours");
        Assert.Equal([400, 401, 402], runs.BySeed.Keys.Order());
        Assert.Equal([2.0, 3.0, 4.0], runs.At("train_loss", 1));
        Assert.Equal([1.0, 1.2, 4.0], runs.At("train_loss", 0));       // each seed's last epoch
        Assert.Equal([2.0, 1.5], runs.At("train_loss", -1));           // one before the last
        var (mean, se) = runs.MeanCurve("valid_accuracy");
        Assert.Single(mean);                                            // the epochs every seed has
        Assert.Equal(1.0 / 3, mean[0], 1e-12);                          // (0.5 + 0.4 + 0.1) / 3
        Assert.Equal(Math.Sqrt(0.26 / 3 / 2 / 3), se[0], 1e-12);        // Σ(x − m)² = 0.26/3, n − 1 = 2, √n
        Assert.Equal("0.700 ± 0.100 (0.600–0.800)", EpochReport.Summary(runs.At("test_accuracy", 0)));
        Assert.Equal("–", EpochReport.Summary([]));
    }

    [Fact]
    public void A_malformed_number_names_the_file_and_line()
    {
        Write("ours", "RNN-400.csv", "epoch,train_loss\n1,abc\n");
        var error = Assert.Throws<InvalidDataException>(() => EpochRuns.Read(Path.Combine(dir, "psmnist", "ours"), "RNN", "ours"));
        Assert.Contains("RNN-400.csv: line 2", error.Message);
        Assert.Contains("train_loss", error.Message);
    }

    [Fact]
    public void Section_tests_ours_against_the_original_and_draws_the_figure()
    {
        for (int s = 0; s < 4; s++)
        {
            Write("ours", $"LSTM-{400 + s}.csv", $"epoch,train_loss,valid_accuracy,test_accuracy\n1,{2 + s * 0.01},0.3,0.5\n2,{1 + s * 0.01},0.5,0.5\n");
            Write("original", $"LSTM-{400 + s}.csv", $"epoch,train_loss,valid_accuracy,test_accuracy\n1,{3 + s * 0.01},0.3,0.5\n2,{1.005 + s * 0.01},0.5,0.5\n");
        }
        var figure = Path.Combine(dir, "psmnist.png");
        var text = EpochReport.Section(EpochTask.Psmnist("psMNIST"), dir, figure, "psmnist.png");
        // epoch 1 separates the samples completely (exact p = 2/C(8,4)); the last epoch interleaves them
        Assert.Contains("| LSTM | train loss, epoch 1 | 4 vs 4 | 0 | 0.029 **differ** |", text);
        Assert.Contains("| LSTM | train loss, last epoch | 4 vs 4 |", text);
        Assert.DoesNotContain("last epoch | 4 vs 4 | 0 |", text);
        Assert.Contains("| LSTM | ours | 4 | 2 |", text);
        // paired by seed: epoch 1 ours − original = −1 on all four seeds (p = 2/2⁴); the last epoch −0.005 on all four too
        Assert.Contains("| LSTM | train loss, epoch 1 | 4 | -1.0000 (-1.0000–-1.0000) | 0 | 0.125 |", text);
        Assert.Contains("| LSTM | valid accuracy, last epoch | 4 | 0 (0–0) | 0 | 1 |", text);
        Assert.True(new FileInfo(figure).Length > 1000);
    }
}
