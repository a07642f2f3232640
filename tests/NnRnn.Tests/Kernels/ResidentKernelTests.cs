using NnRnn.Blas;
using NnRnn.Cells;
using NnRnn.Cells.Kernels;
using NnRnn.Nonlinearities;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests.Kernels;

/// <summary>
/// The recurrences with their weights resident per core (<see cref="ResidentWeights"/> on a
/// <see cref="StepTeam"/>): the packed product against a matmul, the team's step barrier, and the
/// Elman and LSTM nodes against the BLAS path and per-step autograd (values and gradients, float32
/// rounding only). Forced on, the path runs on any CPU (without AVX-512 its vectors are emulated).
/// </summary>
public class ResidentKernelTests
{
    [Theory]
    [InlineData(1, 3, true)]
    [InlineData(5, 70, false)]
    [InlineData(8, 70, true)]
    [InlineData(11, 129, true)]
    public unsafe void The_packed_product_is_a_matmul(int m, int k, bool accumulate)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var a = randn(new long[] { m, k }, generator: generator);
        var b = randn(new long[] { k, 256 }, generator: generator);
        var c = randn(new long[] { m, 256 }, generator: generator);
        var expected = (accumulate ? c.to_type(ScalarType.Float64) : zeros(m, 256, ScalarType.Float64))
            + a.to_type(ScalarType.Float64).mm(b.to_type(ScalarType.Float64));
        // panels out of order (as the LSTM's gate blocks): panel p writes the columns it was packed from
        using var weights = new ResidentWeights(TensorMemory.Of<float>(b), k, 256, new[] { 128, 0, 192, 64 });
        weights.MultiplyInto(TensorMemory.Address(a), k, m, TensorMemory.Address(c), 256, 0, 2, accumulate);
        weights.MultiplyInto(TensorMemory.Address(a), k, m, TensorMemory.Address(c), 256, 2, 2, accumulate);
        Assert.True(TestSupport.RelativeError(c.to_type(ScalarType.Float64), expected) <= 1e-5);
    }

    [Fact]
    public void Every_worker_finishes_a_step_before_any_starts_the_next()
    {
        const int workers = 3, steps = 300;
        var done = new int[steps, workers];
        int violations = 0;
        StepTeam.Run(workers, steps, (worker, t) =>
        {
            for (int w = 0; w < workers && t > 0; w++)
                if (Volatile.Read(ref done[t - 1, w]) != 1) Interlocked.Increment(ref violations);
            Volatile.Write(ref done[t, worker], 1);
        });
        Assert.Equal(0, violations);
        Assert.All(Enumerable.Range(0, steps), t => Assert.Equal(workers, Enumerable.Range(0, workers).Sum(w => done[t, w])));
    }

    [Fact]
    public void A_failing_worker_stops_the_team_and_its_exception_reaches_the_caller()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StepTeam.Run(2, 1000, (worker, t) =>
        {
            if (worker == 1 && t == 5) throw new InvalidOperationException("worker 1 failed");
        }));
        Assert.Equal("worker 1 failed", error.Message);
    }

    [Theory]
    [InlineData("RNN", "tanh", false, 2)]
    [InlineData("RNN", "modrelu", true, 2)]
    [InlineData("RNN", "relu", false, 1)]
    [InlineData("nnRNN", "modrelu", false, 2)]
    [InlineData("expRNN", "modrelu", true, 3)]
    [InlineData("LSTM", "tanh", false, 2)]
    [InlineData("LSTM", "tanh", true, 2)]
    [InlineData("LSTM", "tanh", true, 1)]
    [InlineData("LSTM", "tanh", true, 2, true)]   // gates ≥ the pool's 8 MB: the pooled projection, which the LSTM activates in place
    [InlineData("RNN", "tanh", true, 2, true)]
    public void The_resident_path_gives_the_blas_paths_values_and_gradients(string net, string nonlin, bool lastOnly, int workers, bool pooled = false)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var cell = CellFactory.Create(new CellSpec(SeedNames.Parse<NetType>(net, "net"), pooled ? 1 : 3, 128, SeedNames.Parse<Activation>(nonlin, "nonlin"),
            net is "RNN" or "LSTM" ? Initializer.Xavier : Initializer.Cayley, Generator: generator));
        long steps = pooled ? 80 : 25, batch = !pooled ? 7 : net == "LSTM" ? 67 : 210;   // batch 7: a 4-row tile and 3 single rows
        var x = randn(new long[] { steps, batch, pooled ? 1 : 3 }, generator: generator).requires_grad_();
        Assert.Equal(pooled, InputProjection.Worthwhile(x, net == "LSTM" ? 512 : 128));
        var c = randn(new long[] { lastOnly ? 1 : steps, batch, cell.OutputSize }, generator: generator);
        if (lastOnly) c = c[0];
        Func<Tensor> run = lastOnly ? () => SequenceRunner.RunLast(cell, x) : () => SequenceRunner.Run(cell, x).Outputs;
        KernelSelection.ForceLargeOnThisThread = true;
        ResidentSelection.WorkersOnThisThread = workers;
        try
        {
            ResidentSelection.Force = false;
            var blas = TestSupport.CellGradients(cell, x, c, run);
            ResidentSelection.Force = true;
            long before = ResidentSelection.Runs;
            var resident = TestSupport.CellGradients(cell, x, c, run);
            Assert.True(ResidentSelection.Runs > before, "the resident path ran");
            var perStep = TestSupport.CellGradients(cell, x, c, lastOnly ? () => SequenceRunner.RunLast(cell, x, mode: UnrollMode.StepByStep)
                : () => SequenceRunner.Run(cell, x, mode: UnrollMode.StepByStep).Outputs);
            Assert.True(TestSupport.RelativeError(resident.Value, blas.Value) <= 1e-5, "value vs the BLAS path");
            Assert.True(TestSupport.RelativeError(resident.Value, perStep.Value) <= 1e-5, "value vs per-step autograd");
            Assert.Equal(blas.Grads.Length, resident.Grads.Length);
            for (int i = 0; i < resident.Grads.Length; i++)
            {
                Assert.True(TestSupport.RelativeError(resident.Grads[i], blas.Grads[i]) <= 1e-5, $"gradient {i} vs the BLAS path");
                Assert.True(TestSupport.RelativeError(resident.Grads[i], perStep.Grads[i]) <= 1e-4, $"gradient {i} vs per-step autograd");
            }
        }
        finally
        {
            KernelSelection.ForceLargeOnThisThread = false;
            ResidentSelection.WorkersOnThisThread = 0;
            ResidentSelection.Force = null;
        }
    }

    [Theory]
    [InlineData("nnRNN", "modrelu")]
    [InlineData("LSTM", "tanh")]
    public void The_numbers_do_not_depend_on_how_many_workers_share_the_steps(string net, string nonlin)
    {
        // each element's sum runs in the same order whichever worker owns its columns, so one, two or
        // three workers give the same bits (within one machine)
        using var scope = NewDisposeScope();
        using var generator = new Generator(12);
        var cell = CellFactory.Create(new CellSpec(SeedNames.Parse<NetType>(net, "net"), 3, 192, SeedNames.Parse<Activation>(nonlin, "nonlin"),
            net == "LSTM" ? Initializer.Xavier : Initializer.Cayley, Generator: generator));
        var x = randn(new long[] { 20, 9, 3 }, generator: generator).requires_grad_();
        var c = randn(new long[] { 9, cell.OutputSize }, generator: generator);
        KernelSelection.ForceLargeOnThisThread = true;
        ResidentSelection.Force = true;
        try
        {
            var runs = new[] { 1, 2, 3 }.Select(workers =>
            {
                ResidentSelection.WorkersOnThisThread = workers;
                return TestSupport.CellGradients(cell, x, c, () => SequenceRunner.RunLast(cell, x));
            }).ToArray();
            foreach (var other in runs.Skip(1))
            {
                Assert.True(runs[0].Value.eq(other.Value).all().item<bool>(), "values");
                Assert.All(runs[0].Grads.Zip(other.Grads), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>(), "gradients"));
            }
        }
        finally
        {
            KernelSelection.ForceLargeOnThisThread = false;
            ResidentSelection.WorkersOnThisThread = 0;
            ResidentSelection.Force = null;
        }
    }

    [Fact]
    public void Float64_and_widths_off_the_panel_grid_never_take_the_resident_path()
    {
        ResidentSelection.Force = true;
        try
        {
            using var f32 = zeros(2, 2);
            using var f64 = zeros(new long[] { 2, 2 }, ScalarType.Float64);
            Assert.True(ResidentSelection.Use(f32, 10, 128, 128));
            Assert.False(ResidentSelection.Use(f64, 10, 128, 128));
            Assert.False(ResidentSelection.Use(f32, 10, 100, 100));
        }
        finally { ResidentSelection.Force = null; }
    }
}
