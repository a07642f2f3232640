using System.CommandLine;
using NnRnn.Cells;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Optim;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// The layers under the command line (issue 7, item 3): the library and the options records throw
/// ArgumentException naming the parameter; the memory check names the option that made a run too
/// large; the top-level handler turns anything unexpected into one line (item 4).
/// </summary>
[Collection(nameof(HostileInputCollection))]
public class HostileValidationTests
{
    [Theory]
    [InlineData(nameof(OptimizerSettings.LearningRate), double.PositiveInfinity)]
    [InlineData(nameof(OptimizerSettings.LearningRate), double.NaN)]
    [InlineData(nameof(OptimizerSettings.OrthogonalLearningRate), double.PositiveInfinity)]
    [InlineData(nameof(OptimizerSettings.NonNormalDecay), double.PositiveInfinity)]
    [InlineData(nameof(OptimizerSettings.Clip), double.PositiveInfinity)]
    [InlineData(nameof(OptimizerSettings.Eps), 0.0)]
    public void Optimizer_settings_reject_non_finite_values(string property, double value)
    {
        var settings = new OptimizerSettings();
        typeof(OptimizerSettings).GetProperty(property)!.SetValue(settings, value);
        var e = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Equal(property, e.ParamName);
        Assert.Contains("finite", e.Message);
    }

    [Fact]
    public void Cell_rejects_an_infinite_delta()
    {
        var e = Assert.Throws<ArgumentException>(() => CellFactory.Create(new CellSpec(NetType.NnRnn, 1, 4, Delta: double.PositiveInfinity)));
        Assert.Equal(nameof(CellSpec.Delta), e.ParamName);
    }

    [Theory]
    [InlineData(int.MaxValue, 10, "delay")]
    [InlineData(10, 1 << 30, "copyLength")]
    public void Copy_task_length_that_overflows_int_is_rejected(int delay, int copyLength, string param)
    {
        var e = Assert.Throws<ArgumentException>(() => new CopyTask(delay, copyLength: copyLength));
        Assert.Equal(param, e.ParamName);
    }

    [Fact]
    public void Default_runs_of_every_task_need_well_under_a_gigabyte()
    {
        foreach (RunOptions o in new RunOptions[] { new CopyTaskOptions(), new AddingOptions(), new PsmnistOptions(), new PtbOptions() })
        {
            double bytes = MemoryEstimate.Bytes(o, o.Footprint());
            Assert.InRange(bytes, 1e6, 1e9);
        }
    }

    [Theory]
    [InlineData("HiddenSize")]
    [InlineData("Batch")]
    [InlineData("Delay")]
    [InlineData("CopyLength")]
    public void Memory_check_names_the_option_that_grew_the_run(string grown)
    {
        var defaults = new CopyTaskOptions();
        var options = grown switch
        {
            "HiddenSize" => defaults with { HiddenSize = 4096 },
            "Batch" => defaults with { Batch = 10_000 },
            "Delay" => defaults with { Delay = 100_000 },
            _ => defaults with { CopyLength = 100_000 },
        };
        double need = MemoryEstimate.Bytes(options, options.Footprint());
        Assert.True(need > 10 * MemoryEstimate.Bytes(defaults, defaults.Footprint()));
        MemoryEstimate.Check(options, options.Footprint(), defaults, defaults.Footprint(), available: (long)need + 1);   // fits
        var e = Assert.Throws<ArgumentException>(() =>
            MemoryEstimate.Check(options, options.Footprint(), defaults, defaults.Footprint(), available: (long)(need / 2)));
        Assert.Equal(grown, e.ParamName);
        Assert.Contains("available", e.Message);
    }

    [Fact]
    public void Available_memory_is_positive_and_at_most_the_machine()
    {
        long available = MemoryEstimate.Available();
        Assert.InRange(available, 1L, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    }

    private static int InvokeThrowing(Exception error, out string stderr)
    {
        var root = new RootCommand("test");
        var boom = new Command("boom");
        boom.SetAction((Func<ParseResult, int>)(_ => throw error));
        root.Subcommands.Add(boom);
        var saved = Console.Error;
        var err = new StringWriter();
        Console.SetError(err);
        try { return NnRnn.Cli.CommandLine.Invoke(root, ["boom"]); }
        finally
        {
            Console.SetError(saved);
            stderr = err.ToString();
        }
    }

    [Fact]
    public void Unexpected_error_is_one_line_and_exit_code_1()
    {
        var previous = Environment.GetEnvironmentVariable("NNRNN_DEBUG");
        Environment.SetEnvironmentVariable("NNRNN_DEBUG", null);
        try
        {
            int code = InvokeThrowing(new InvalidOperationException("disk on fire\nframe #0: somewhere"), out var stderr);
            Assert.Equal(1, code);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("nnrnn: error: disk on fire", line);
            Assert.Contains("NNRNN_DEBUG=1", line);
            Assert.DoesNotContain("frame #0", stderr);
        }
        finally { Environment.SetEnvironmentVariable("NNRNN_DEBUG", previous); }
    }

    [Fact]
    public void Nnrnn_debug_shows_the_trace()
    {
        var previous = Environment.GetEnvironmentVariable("NNRNN_DEBUG");
        Environment.SetEnvironmentVariable("NNRNN_DEBUG", "1");
        try
        {
            int code = InvokeThrowing(new InvalidOperationException("disk on fire"), out var stderr);
            Assert.Equal(1, code);
            Assert.StartsWith("nnrnn: error: disk on fire", stderr);
            Assert.Contains("System.InvalidOperationException", stderr);
            Assert.Contains(" at ", stderr);
        }
        finally { Environment.SetEnvironmentVariable("NNRNN_DEBUG", previous); }
    }

    [Fact]
    public void Bad_input_inside_a_command_is_exit_code_2_not_1()
    {
        int code = InvokeThrowing(new ArgumentException("--thing: expected a finite number"), out var stderr);
        Assert.Equal(1, code);   // without the command's Guard an ArgumentException is unexpected too
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var root = new RootCommand("test");
        var guarded = new Command("guarded");
        guarded.SetAction((Func<ParseResult, int>)(_ => NnRnn.Cli.CommandLine.Guard(() => throw new ArgumentException("--thing: expected a finite number"))));
        root.Subcommands.Add(guarded);
        var saved = Console.Error;
        Console.SetError(TextWriter.Null);
        try { Assert.Equal(2, NnRnn.Cli.CommandLine.Invoke(root, ["guarded"])); }
        finally { Console.SetError(saved); }
    }
}
