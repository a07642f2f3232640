using System.Text.Json.Nodes;
using NnRnn.Tests.Data;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// Behaviour is pinned: a short run of every task through the CLI must write the metrics and
/// summary recorded in Fixtures/behaviour (first recorded before the architecture refactor; re-recorded
/// when a change alters rounding on purpose, e.g. the small-shape kernels, or the data: copy batches
/// from numpy's stream as copytask.py draws them), and a run directory
/// stopped early by the pre-refactor build must still resume, to the result recorded in resumed/.
/// On the machine that recorded the fixtures the comparison is bit for bit; elsewhere (another CPU
/// or libtorch build rounds differently) within a relative 1e-3 of each value's magnitude.
/// Set NNRNN_RECORD_BEHAVIOUR=1 to (re)record the fixtures into the source tree.
/// </summary>
public sealed class BehaviourTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Columns and summary entries that measure time, not behaviour.</summary>
    private static readonly HashSet<string> Timing = ["ms", "seconds"];

    public static TheoryData<string> Tasks => new() { "copytask", "adding", "psmnist", "ptb" };

    // The fixtures were recorded before --init existed, with what is now --init documented.
    private string[] Arguments(string task) => [.. TaskArguments(task), "--init", "documented"];

    private string[] TaskArguments(string task) => task switch
    {
        "copytask" => ["copytask", "--net-type", "nnRNN", "--nhid", "8", "--T", "6", "--c-length", "3", "--batch", "4",
            "--steps", "12", "--checkpoint-every", "5", "--lr", "0.01", "--lr_orth", "0.001"],
        "adding" => ["adding", "--net-type", "LSTM", "--rinit", "xavier", "--nhid", "8", "--c-length", "10", "--batch", "4",
            "--steps", "12", "--checkpoint-every", "5", "--optimizer", "Adam", "--clip", "1"],
        "psmnist" => ["psmnist", "--net-type", "nnRNN", "--nhid", "8", "--batch", "8", "--epochs", "2", "--permute",
            "--nonlin", "tanh", "--lr", "0.01", "--lr_orth", "0.001", "--random-seed", "5", "--val-size", "12",
            "--checkpoint-every", "3", "--data-dir", SmallMnist()],
        "ptb" => ["ptb", "--net-type", "EURNN", "--nhid", "8", "--emsize", "4", "--bptt", "10", "--batch", "4", "--eval-batch", "2",
            "--epochs", "2", "--max-windows", "6", "--log-interval", "3", "--checkpoint-every", "4", "--data-dir", SmallPtb()],
        _ => throw new ArgumentException(task),
    };

    /// <summary>Where a session of each task is stopped to leave a resumable run directory.</summary>
    private static int StopAfter(string task) => task switch { "psmnist" => 4, "ptb" => 7, _ => 7 };

    [Theory]
    [MemberData(nameof(Tasks))]
    public void A_short_run_writes_the_recorded_metrics_and_summary(string task)
    {
        var dir = temp.File("run-" + task);
        var (code, _, stderr) = TestSupport.RunCli([.. Arguments(task), "--out", dir]);
        Assert.True(code == 0, stderr);
        var recorded = FixtureDir(task);
        if (Recording)
        {
            Directory.CreateDirectory(recorded);
            File.Copy(Path.Combine(dir, "metrics.csv"), Path.Combine(recorded, "metrics.csv"), true);
            File.Copy(Path.Combine(dir, "summary.json"), Path.Combine(recorded, "summary.json"), true);
            File.WriteAllText(Path.Combine(SourceFixtures, "machine.txt"), Machine());
            return;
        }
        AssertSameRun(recorded, dir);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void A_run_directory_stopped_by_the_older_build_resumes_to_the_same_result(string task)
    {
        // stopped/ was written by the build before the architecture refactor and is never re-recorded:
        // it pins that old run directories (options.json, metrics.csv, checkpoint.bin) still resume.
        // resumed/ is what this build makes of it (re-recorded when the numerics change on purpose).
        var dir = temp.File("old-" + task);
        Directory.CreateDirectory(dir);
        var stopped = Path.Combine(SourceOrOutputFixtures, task, "stopped");
        foreach (var f in Directory.GetFiles(stopped))
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        // the old options.json names the data folder of the recording machine: point it at this one's copy
        var options = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "options.json")))!.AsObject();
        if (options.ContainsKey("data-dir"))
        {
            var data = Arguments(task).SkipWhile(a => a != "--data-dir").ElementAt(1);
            options["data-dir"] = task == "ptb" ? data : Path.GetFullPath(data);
            File.WriteAllText(Path.Combine(dir, "options.json"), options.ToJsonString());
        }
        var (rc, _, err) = TestSupport.RunCli(task, "--resume", dir);
        Assert.True(rc == 0, err);
        var resumed = Path.Combine(FixtureDir(task), "resumed");
        if (Recording)
        {
            Directory.CreateDirectory(resumed);
            File.Copy(Path.Combine(dir, "metrics.csv"), Path.Combine(resumed, "metrics.csv"), true);
            File.Copy(Path.Combine(dir, "summary.json"), Path.Combine(resumed, "summary.json"), true);
            return;
        }
        AssertSameRun(resumed, dir);
    }

    // ---- comparison ---------------------------------------------------------------------------

    private static void AssertSameRun(string recorded, string dir)
    {
        bool exact = File.Exists(Path.Combine(SourceOrOutputFixtures, "machine.txt"))
                     && File.ReadAllText(Path.Combine(SourceOrOutputFixtures, "machine.txt")) == Machine();
        var expected = File.ReadAllLines(Path.Combine(recorded, "metrics.csv"));
        var actual = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        Assert.Equal(expected[0], actual[0]);
        Assert.Equal(expected.Length, actual.Length);
        var columns = expected[0].Split(',');
        for (int row = 1; row < expected.Length; row++)
        {
            var (e, a) = (expected[row].Split(','), actual[row].Split(','));
            for (int c = 0; c < columns.Length; c++)
                if (!Timing.Contains(columns[c])) AssertSame(exact, $"metrics row {row} {columns[c]}", e[c], a[c]);
        }
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(recorded, "summary.json")))!.AsObject();
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!.AsObject();
        // summaries recorded before runs had a status: a run that ends normally says "finished"
        if (!summary.ContainsKey("status") && written["status"]?.GetValue<string>() == "finished") written.Remove("status");
        Assert.Equal(summary.Select(p => p.Key).Order(), written.Select(p => p.Key).Order());
        foreach (var (key, value) in summary)
            if (!Timing.Contains(key)) AssertSame(exact, $"summary {key}", value!.ToJsonString(), written[key]!.ToJsonString());
    }

    private static void AssertSame(bool exact, string what, string expected, string actual)
    {
        if (exact || !double.TryParse(expected.Trim('"'), System.Globalization.CultureInfo.InvariantCulture, out var e))
        {
            Assert.True(expected == actual, $"{what}: expected {expected}, got {actual}");
            return;
        }
        var a = double.Parse(actual.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(a - e) <= 1e-3 * Math.Max(Math.Abs(e), 1e-6) || (double.IsNaN(a) && double.IsNaN(e)),
            $"{what}: expected {expected}, got {actual}");
    }

    /// <summary>What decides float rounding: the CPU model and the thread count of the run (1).</summary>
    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        return $"{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture} {cpu}\n";
    }

    // ---- fixtures and data --------------------------------------------------------------------

    private static bool Recording => Environment.GetEnvironmentVariable("NNRNN_RECORD_BEHAVIOUR") == "1";

    private static string SourceFixtures
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "NnRnn.slnx")))
                    return Path.Combine(d.FullName, "tests", "NnRnn.Tests", "Fixtures", "behaviour");
            throw new DirectoryNotFoundException("the repository root (NnRnn.slnx) is not above the test binaries");
        }
    }

    private static string SourceOrOutputFixtures => TestSupport.Fixture("behaviour");

    private static string FixtureDir(string task) => Path.Combine(Recording ? SourceFixtures : SourceOrOutputFixtures, task);

    /// <summary>A data root with 28×28 IDX images in mnist/ (30 training, 10 test), the same bytes every time.</summary>
    private string SmallMnist()
    {
        var dir = Directory.CreateDirectory(Path.Combine(temp.Path, "data", "mnist")).FullName;
        const int side = 28, pixels = side * side;
        static byte Pixel(int k) => (k % pixels) % 10 == (k / pixels) % 10 ? (byte)255 : (byte)(k * 37 % 60);
        static byte[] Labels(int n) => Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
        File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), IdxTestFiles.Images(30, side, side, Pixel));
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), IdxTestFiles.Labels(Labels(30)));
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte"), IdxTestFiles.Images(10, side, side, Pixel));
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), IdxTestFiles.Labels(Labels(10)));
        return Path.Combine(temp.Path, "data");
    }

    /// <summary>A PTB-format corpus (characters separated by spaces, '_' between words) from a fixed recipe.</summary>
    private string SmallPtb()
    {
        string[] words = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran"];
        string Text(int lines, int offset) => string.Concat(Enumerable.Range(0, lines).Select(l =>
            string.Join(" _ ", Enumerable.Range(0, 3 + (l + offset) % 4).Select(w => string.Join(' ', words[(l * 5 + w * 3 + offset) % words.Length].ToCharArray()))) + "\n"));
        var dir = Directory.CreateDirectory(Path.Combine(temp.Path, "ptb")).FullName;
        File.WriteAllText(Path.Combine(dir, "train.txt"), Text(60, 0));
        File.WriteAllText(Path.Combine(dir, "valid.txt"), Text(12, 1));
        File.WriteAllText(Path.Combine(dir, "test.txt"), Text(12, 2));
        return dir;
    }
}
