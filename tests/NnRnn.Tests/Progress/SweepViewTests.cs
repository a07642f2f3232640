using NnRnn.Cli;
using Xunit;

namespace NnRnn.Tests.Progress;

/// <summary>The sweep display driven through <see cref="NnRnn.Experiments.Sweeps.ISweepObserver"/>: the live table and the permanent lines.</summary>
public class SweepViewTests
{
    [Fact]
    public void Shows_one_line_per_running_run_and_the_overall_count()
    {
        var console = new TextConsole();
        var view = new SpectreSweepView(console.Console, live: false);
        view.SweepStarted("copytask-sweep", 6, 1);
        view.RunStarted("nnRNN seed 1");
        view.RunStarted("LSTM seed 2");
        view.RunProgress("nnRNN seed 1", 300, 1500, 0.1234, 0.5);
        view.RunEnded("LSTM seed 2", "diverged");
        view.RunStarted("RNN seed 3");

        Assert.Equal("2/6 done, 2 running, 1 failed", view.Count());
        var before = console.Text.Length;
        console.Console.Write(view.Render());
        var table = console.Text[before..];
        Assert.Contains("sweep copytask-sweep: 2/6 done, 2 running, 1 failed", table);
        Assert.Matches(@"nnRNN seed 1 +300/1500 \(20%\) +0\.1234 +0\.5000", table);
        Assert.Matches(@"RNN seed 3 +starting +– +–", table);
        Assert.DoesNotContain("LSTM seed 2", table);

        view.RunEnded("nnRNN seed 1", "finished");
        view.RunEnded("RNN seed 3", "finished");
        view.SweepEnded(4, 1);
        var lines = console.Text[..before] + console.Text[(before + table.Length)..];
        Assert.Contains("sweep copytask-sweep: 6 runs, 1 already finished", lines);
        Assert.Contains("diverged LSTM seed 2  (2/6 done, 1 running, 1 failed)", lines);
        Assert.Contains("finished RNN seed 3  (4/6 done, 0 running, 1 failed)", lines);
        Assert.Contains("sweep copytask-sweep: 4 finished, 1 failed or diverged, of 6", lines);
    }
}
