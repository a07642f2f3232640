using NnRnn.Cells;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Tests.Data;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// Run directories (issue 7 item 6): checksummed checkpoints with a previous copy to fall back to,
/// the exclusive lock, finished runs left alone, the wrong command named, directories abandoned
/// before their first checkpoint, and --checkpoint-every kept across resumes.
/// </summary>
public sealed class RunDirectoryTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private static CopyTaskOptions Tiny => new() { HiddenSize = 8, Delay = 4, CopyLength = 2, Steps = 20, Batch = 3, LearningRate = 1e-2 };

    private static string[] Rows(string dir) => File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Select(l => l[..l.LastIndexOf(',')]).ToArray();

    private static string[] CliTiny(string dir) => ["copytask", "--nhid", "8", "--T", "4", "--c-length", "2", "--steps", "20", "--batch", "3", "--lr", "0.01", "--out", dir];

    [Fact]
    public void A_flipped_bit_in_the_newest_checkpoint_falls_back_to_the_previous_one_and_ends_the_same()
    {
        var whole = temp.File("whole");
        var pieces = temp.File("pieces");
        Trainer.Run(Tiny, whole);
        Assert.Null(Trainer.Run(Tiny, pieces, new RunControl(CheckpointEvery: 4, StopAfter: 10)));   // checkpoints at 4 and 8
        var newest = Path.Combine(pieces, CheckpointFiles.Newest);
        Assert.True(File.Exists(Path.Combine(pieces, CheckpointFiles.Previous)));
        var bytes = File.ReadAllBytes(newest);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(newest, bytes);

        var warnings = new Warnings();
        Assert.NotNull(Trainer.Resume<CopyTaskOptions>(pieces, null, warnings));
        var line = Assert.Single(warnings.Lines);
        Assert.Contains("checkpoint.bin is damaged", line);
        Assert.Contains("checkpoint.prev.bin", line);
        Assert.Equal(Rows(whole), Rows(pieces));
    }

    [Fact]
    public void A_checkpoint_with_a_flipped_bit_is_refused_and_both_damaged_is_one_clear_error()
    {
        var dir = temp.File("run");
        Assert.Null(Trainer.Run(Tiny, dir, new RunControl(CheckpointEvery: 4, StopAfter: 10)));
        foreach (var name in new[] { CheckpointFiles.Newest, CheckpointFiles.Previous })
        {
            var path = Path.Combine(dir, name);
            var bytes = File.ReadAllBytes(path);
            bytes[^40] ^= 0x01;
            File.WriteAllBytes(path, bytes);
            Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
        }
        var (code, _, err) = TestSupport.RunCli("copytask", "--resume", dir);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("no usable checkpoint", err);
    }

    [Fact]
    public void A_run_directory_in_use_is_refused_with_one_line_and_exit_4_and_freed_when_the_holder_ends()
    {
        var dir = temp.File("run");
        Assert.Null(Trainer.Run(Tiny, dir, new RunControl(StopAfter: 3)));
        using (RunLock.Acquire(dir))
        {
            Assert.Throws<RunLockedException>(() => Trainer.Resume<CopyTaskOptions>(dir));
            var (code, stdout, err) = TestSupport.RunCli("copytask", "--resume", dir);
            Assert.Equal(4, code);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Contains("in use by another nnrnn process", err);
            Assert.DoesNotContain("step", stdout);
        }
        Assert.NotNull(Trainer.Resume<CopyTaskOptions>(dir));
    }

    [Fact]
    public void Resuming_a_finished_run_says_so_and_changes_nothing()
    {
        var dir = temp.File("run");
        Trainer.Run(Tiny, dir);
        var before = Directory.GetFiles(dir).ToDictionary(f => f, f => (File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f)));
        var (code, stdout, err) = TestSupport.RunCli("copytask", "--resume", dir);
        Assert.True(code == 0, err);
        Assert.Contains("finished copytask run", stdout);
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(dir).Order());
        foreach (var (file, (bytes, time)) in before)
        {
            Assert.Equal(bytes, File.ReadAllBytes(file));
            Assert.Equal(time, File.GetLastWriteTimeUtc(file));
        }
    }

    [Fact]
    public void A_resume_with_the_wrong_command_names_the_runs_task()
    {
        var dir = temp.File("run");
        Assert.Null(Trainer.Run(Tiny, dir, new RunControl(StopAfter: 3)));
        var (code, _, err) = TestSupport.RunCli("psmnist", "--resume", dir);
        Assert.Equal(2, code);
        Assert.Contains($"{dir} is a copytask run; use nnrnn copytask --resume {dir}", err);
        Assert.Single(err.Trim().Split('\n'));
        var e = Assert.Throws<ArgumentException>(() => Trainer.Resume<AddingOptions>(dir));
        Assert.Contains("is a copytask run", e.Message);
    }

    [Fact]
    public void A_directory_killed_before_options_json_was_written_is_reused_with_out_and_named_on_resume()
    {
        var dir = Directory.CreateDirectory(temp.File("run")).FullName;
        File.WriteAllBytes(Path.Combine(dir, "options.json.tmp"), []);
        var (code, _, err) = TestSupport.RunCli("copytask", "--resume", dir);
        Assert.Equal(2, code);
        Assert.Contains($"start it again with --out {dir}", err);
        (code, _, err) = TestSupport.RunCli(CliTiny(dir));
        Assert.True(code == 0, err);
        Assert.False(File.Exists(Path.Combine(dir, "options.json.tmp")));
        Assert.True(File.Exists(Path.Combine(dir, "summary.json")));
    }

    [Fact]
    public void A_directory_killed_before_its_first_checkpoint_resumes_from_scratch_or_is_reused()
    {
        var whole = temp.File("whole");
        Trainer.Run(Tiny, whole);
        var dir = temp.File("run");
        Assert.Null(Trainer.Run(Tiny, dir, new RunControl(CheckpointEvery: 50, StopAfter: 5)));
        Assert.False(File.Exists(Path.Combine(dir, CheckpointFiles.Newest)));
        Assert.NotNull(Trainer.Resume<CopyTaskOptions>(dir));
        Assert.Equal(Rows(whole), Rows(dir));

        var again = temp.File("again");
        Assert.Null(Trainer.Run(Tiny, again, new RunControl(CheckpointEvery: 50, StopAfter: 5)));
        Assert.NotNull(Trainer.Run(Tiny, again));                      // --out on the abandoned directory
        Assert.Equal(Rows(whole), Rows(again));
        Assert.Throws<ArgumentException>(() => Trainer.Run(Tiny, again));   // a finished one is not abandoned
    }

    [Fact]
    public void Checkpoint_every_persists_across_resume()
    {
        var dir = temp.File("run");
        var (code, _, err) = TestSupport.RunCli([.. CliTiny(dir), "--checkpoint-every", "3", "--stop-after", "7"]);
        Assert.True(code == 0, err);
        Assert.Equal(6, Checkpoint.Load(Path.Combine(dir, CheckpointFiles.Newest)).Meta["step"]!.GetValue<long>());
        (code, _, err) = TestSupport.RunCli("copytask", "--resume", dir, "--stop-after", "3");   // updates 7..9
        Assert.True(code == 0, err);
        Assert.Equal(9, Checkpoint.Load(Path.Combine(dir, CheckpointFiles.Newest)).Meta["step"]!.GetValue<long>());
    }

    [Fact]
    public void The_task_of_an_options_file_without_one_is_recognised_by_its_option_names()
    {
        RunOptions[] all = [new CopyTaskOptions(), new AddingOptions(), new PsmnistOptions(), new PtbOptions()];
        foreach (var options in all)
        {
            var json = System.Text.Json.JsonSerializer.SerializeToNode(options, options.GetType())!.AsObject();
            Assert.Equal(options.TaskName, RunKinds.Infer(json));
            json.Remove("lr");                                        // an older file holds fewer options
            Assert.Equal(options.TaskName, RunKinds.Infer(json));
        }
        Assert.Null(RunKinds.Infer(new System.Text.Json.Nodes.JsonObject { ["nhid"] = 8 }));          // every task has it
        Assert.Null(RunKinds.Infer(new System.Text.Json.Nodes.JsonObject { ["no-such-option"] = 1 }));
    }

    private sealed class Warnings : ITrainingObserver
    {
        public List<string> Lines { get; } = [];

        public void Warned(string message) => Lines.Add(message);
    }
}
