using NnRnn.Cli;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using Xunit;

namespace NnRnn.Tests.Progress;

/// <summary>The live display's numbers and text, fed updates as the trainer sends them.</summary>
public class TrainingProgressTests
{
    private static UpdateProgress Classifier(int epoch, int batch, double ms, double loss, double accuracy)
        => new(epoch, 3, batch, 10, (epoch - 1) * 10 + batch, ms, 1e-3, new ClassifierUpdate(loss, 0, 10, loss, accuracy));

    [Fact]
    public void Shows_position_loss_accuracy_rate_and_eta()
    {
        var p = new TrainingProgress();
        p.Observe(Classifier(2, 4, 90_000, 2.0, 0.1));   // the warm-up update: not timed
        p.Observe(Classifier(2, 5, 2000, 1.25, 0.5));
        // 2 s per update → 0.5 updates/s; left: the rest of epoch 2 (5) and epoch 3 (10) → 30 s
        Assert.Equal(0.5, p.Rate!.Value, 1e-12);
        Assert.Equal(15, p.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(30), p.Eta);
        Assert.Equal("epoch 2/3  update 5/10  loss 1.2500  acc 0.5000  0.50 updates/s  ETA 0:00:30", p.Text());
        Assert.Equal(15.0 / 30, p.Fraction, 1e-12);
    }

    [Fact]
    public void Smooths_per_update_losses_and_keeps_a_missing_accuracy_absent()
    {
        var p = new TrainingProgress();
        p.Observe(new UpdateProgress(1, 1, 1, 100, 1, 5, 1e-3, new SyntheticTaskUpdate(4.0, double.NaN)));
        p.Observe(new UpdateProgress(1, 1, 2, 100, 2, 5, 1e-3, new SyntheticTaskUpdate(2.0, double.NaN)));
        Assert.Equal(4.0 + TrainingProgress.Smoothing * (2.0 - 4.0), p.Loss!.Value, 1e-12);
        Assert.Null(p.Accuracy);
        var text = p.Text();
        Assert.StartsWith("update 2/100  loss 3.9600  ", text);   // one epoch: no epoch count
        Assert.DoesNotContain("acc", text);
        Assert.Contains("200.0 updates/s", text);
    }

    [Theory]
    [InlineData(59, "0:00:59")]
    [InlineData(3 * 3600 + 4 * 60 + 5, "3:04:05")]
    [InlineData(26 * 3600, "1d 2:00:00")]
    public void Durations_read_as_hours_minutes_seconds(int seconds, string text)
        => Assert.Equal(text, TrainingProgress.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void The_live_line_renders_bar_percentage_and_text()
    {
        var p = new TrainingProgress();
        p.Observe(Classifier(3, 5, 100, 0.75, 0.25));
        var console = new TextConsole();
        console.Console.Write(LiveTrainingView.Render(p));
        Assert.Matches(@"━+ +83%  epoch 3/3  update 5/10  loss 0\.7500  acc 0\.2500", console.Text);
    }

    [Fact]
    public void Before_the_first_update_it_says_starting()
        => Assert.Equal("starting…", new TrainingProgress().Text());
}
