using NnRnn.Cells;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using Xunit;

namespace NnRnn.Tests;

/// <summary>The one training loop: what observers see, and the typed checkpoint state.</summary>
public class TrainerTests
{
    private static CopyTaskOptions Tiny => new() { HiddenSize = 8, Delay = 3, CopyLength = 2, Steps = 6, Batch = 3 };

    [Fact]
    public void Observers_see_the_start_every_update_every_row_and_the_end()
    {
        var dir = TestSupport.TempDir();
        try
        {
            var recorder = new Recorder();
            var summary = (CopyTaskSummary)Trainer.Run(Tiny, dir, new RunControl(CheckpointEvery: 4), recorder)!;
            var start = Assert.Single(recorder.Starts);
            Assert.Equal(("copytask", false, dir), (start.Task, start.Resumed, start.Directory));
            Assert.Equal(NetType.NnRnn, start.Options.NetType);
            Assert.Equal(Enumerable.Range(1, 6), recorder.Updates.Select(u => u.Batch));
            Assert.All(recorder.Updates, u => Assert.Equal(6, u.Batches));
            var rows = recorder.Rows.Cast<SyntheticTaskRow>().ToList();
            Assert.Equal(recorder.Updates.Select(u => u.Result.Loss), rows.Select(r => r.Loss));
            Assert.Equal(File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length - 1, rows.Count);
            Assert.Same(summary, Assert.Single(recorder.Ends).Summary);
            Assert.Equal(rows[^1].Loss, summary.LastLoss);
            Assert.Equal(rows.Average(r => r.Loss), summary.FinalLoss, 12);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_stopped_session_ends_without_a_summary_and_its_checkpoint_holds_the_typed_state()
    {
        var dir = TestSupport.TempDir();
        try
        {
            var recorder = new Recorder();
            Assert.Null(Trainer.Run(Tiny, dir, new RunControl(CheckpointEvery: 2, StopAfter: 5), recorder));
            Assert.Null(Assert.Single(recorder.Ends).Summary);
            var checkpoint = Checkpoint.Load(Path.Combine(dir, RunSession.CheckpointFile));
            Assert.Equal(4, checkpoint.GetState<SyntheticTaskTraining.State>().Step);   // checkpoints after 2 and 4 updates
            Assert.Equal(4, checkpoint.Meta["metrics_rows"]!.GetValue<int>());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
