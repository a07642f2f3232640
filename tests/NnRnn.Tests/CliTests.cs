using System.Text.Json;
using Xunit;

namespace NnRnn.Tests;

/// <summary>The command-line tool, run as a separate process.</summary>
public class CliTests
{
    [Theory]
    [InlineData("--net-type", "GRU", "--net-type")]
    [InlineData("--nhid", "7", "even number")]
    [InlineData("--nhid", "0", "--nhid")]
    [InlineData("--batch", "-3", "--batch")]
    [InlineData("--T", "0", "--T")]
    [InlineData("--c-length", "0", "--c-length")]
    [InlineData("--bogus", "1", "--bogus")]
    [InlineData("--nhid", "many", "--nhid")]
    [InlineData("--optimizer", "sgd", "--optimizer")]
    [InlineData("--rinit", "xavier", "--rinit")]
    public void Bad_copytask_input_is_one_line_exit_2_and_no_run_directory(string option, string value, string mentioned)
    {
        var dir = TestSupport.TempDir();
        var (code, stdout, stderr) = TestSupport.RunCli("copytask", option, value, "--out", dir, "--steps", "2");
        Assert.Equal(2, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("nnrnn: error:", lines[0]);
        Assert.Contains(mentioned, lines[0]);
        Assert.False(Directory.Exists(dir), "no run directory is created for bad input");
        Assert.DoesNotContain("memoryless", stdout);
    }

    [Fact]
    public void Existing_run_directory_is_refused()
    {
        var dir = TestSupport.TempDir();
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "keep.txt"), "mine");
        try
        {
            var (code, _, stderr) = TestSupport.RunCli("copytask", "--out", dir, "--steps", "2", "--nhid", "8", "--T", "3");
            Assert.Equal(2, code);
            Assert.Contains("--out", stderr);
            Assert.Equal(new[] { Path.Combine(dir, "keep.txt") }, Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Copytask_writes_a_run_directory()
    {
        var dir = TestSupport.TempDir();
        try
        {
            var (code, stdout, stderr) = TestSupport.RunCli("copytask", "--out", dir, "--steps", "5", "--nhid", "8", "--T", "3",
                "--c-length", "2", "--onehot", "--optimizer", "adam", "--betas", "0.0", "0.9", "--clip", "1");
            Assert.True(code == 0, stderr);
            Assert.Contains("memoryless_baseline", stdout);
            foreach (var f in new[] { "options.json", "metrics.csv", "summary.json", "model.pt" })
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
            using var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "options.json")));
            Assert.Equal("Adam", options.RootElement.GetProperty("optimizer").GetString());
            Assert.Equal(0.9, options.RootElement.GetProperty("betas")[1].GetDouble());
            Assert.True(options.RootElement.GetProperty("onehot").GetBoolean());
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Bench_prints_one_json_line_per_configuration()
    {
        var (code, stdout, stderr) = TestSupport.RunCli("bench", "--net-type", "RNN,nnRNN", "--nhid", "8", "--T", "5",
            "--warmup", "1", "--repeats", "3", "--baseline");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            foreach (var field in new[] { "task", "net", "nhid", "batch", "seq_len", "threads", "ms_median", "ms_min", "timesteps_per_s" })
                Assert.True(root.TryGetProperty(field, out _), field);
            Assert.Equal(25, root.GetProperty("seq_len").GetInt32());
            Assert.True(root.GetProperty("ms_median").GetDouble() > 0);
        }
        Assert.Contains("speedup_fused_vs_autograd", lines[1]);
    }

    [Theory]
    [InlineData("adding", 12)]
    [InlineData("psmnist", 12)]
    [InlineData("ptb", 12)]
    public void Bench_times_every_task(string task, int length)
    {
        var (code, stdout, stderr) = TestSupport.RunCli("bench", "--task", task, "--net-type", "nnRNN,EURNN", "--nhid", "8",
            "--T", length.ToString(), "--warmup", "0", "--repeats", "2");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var json = JsonDocument.Parse(lines[0]);
        Assert.Equal(task, json.RootElement.GetProperty("task").GetString());
        Assert.Equal(length, json.RootElement.GetProperty("seq_len").GetInt32());
        Assert.Equal(2, TestSupport.RunCli("bench", "--task", "mnist").Code);
    }

    [Fact]
    public void Unknown_command_and_missing_golden_file_are_usage_errors()
    {
        Assert.Equal(2, TestSupport.RunCli("fly").Code);
        var (code, _, stderr) = TestSupport.RunCli("golden", "/nonexistent/golden.json");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/golden.json", stderr);
    }
}
