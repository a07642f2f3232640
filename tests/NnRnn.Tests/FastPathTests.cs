using System.Text.Json;
using NnRnn.Blas;
using NnRnn.Cells;
using NnRnn.Experiments.Benchmarks;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// The large-shape fast paths of issue 13: cblas_sgemm on tensor memory (OpenBLAS) against
/// libtorch's matmul, and the float32 fused recurrences on each library against per-step autograd.
/// </summary>
[Collection("Gemm backend")]   // the tests set the process-wide library choice
public class FastPathTests
{
    public static IEnumerable<object[]> Backends()
        => (OpenBlas.Available ? new[] { GemmBackend.Torch, GemmBackend.OpenBlas, GemmBackend.Auto } : new[] { GemmBackend.Torch, GemmBackend.Auto })
            .Select(b => new object[] { b });

    [Theory]
    [MemberData(nameof(Backends))]
    public void Gemm_equals_matmul_for_views_transposes_and_beta(GemmBackend backend)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var previous = Gemm.Backend;
        Gemm.Backend = backend;
        try
        {
            var big = randn(9, 40);
            var a = big[.., 3..20];                 // row stride 40 > 17 columns
            var bt = randn(11, 17).t();             // a transposed view [17, 11]
            var at = randn(17, 9).t();              // [9, 17], transposed
            var c = randn(30, 11);
            var cRows = c[5..14];                   // rows of a larger matrix
            var expected = cRows * 0.5 + 2 * a.matmul(bt);
            for (int i = 0; i < 8; i++)             // past the measured first products of Auto
            {
                var target = cRows.clone();
                Gemm.MultiplyInto(target, a, bt, beta: 0.5, alpha: 2);
                Assert.True(TestSupport.RelativeError(target, expected) < 1e-5, $"{backend} call {i}");
            }
            var untouched = c.clone();
            Gemm.MultiplyInto(cRows, at, bt, beta: 0);
            Assert.True(TestSupport.RelativeError(cRows, at.matmul(bt)) < 1e-5);
            Assert.True(TestSupport.RelativeError(c[..5], untouched[..5]) == 0, "rows outside the view are untouched");
            Assert.True(TestSupport.RelativeError(c[14..], untouched[14..]) == 0, "rows outside the view are untouched");
        }
        finally { Gemm.Backend = previous; }
    }

    [Fact]
    public void OpenBlas_is_found_where_Debian_installs_it()
    {
        bool installed = File.Exists("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0")
            || File.Exists("/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0");
        Assert.Equal(installed && Environment.GetEnvironmentVariable("NNRNN_OPENBLAS") is null, OpenBlas.Available);
    }

    public static IEnumerable<object[]> Cases()
        => from net in new[] { "RNN", "expRNN", "nnRNN", "LSTM" }
           from backend in Backends().Select(b => (GemmBackend)b[0])
           select new object[] { net, backend };

    /// <summary>float32 fused forward and backward (every parameter) against per-step autograd, float32 rounding only.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_fused_path_equals_per_step_autograd(string net, GemmBackend backend)
    {
        using var scope = NewDisposeScope();
        var previous = Gemm.Backend;
        Gemm.Backend = backend;
        try
        {
            manual_seed(5);
            var cell = TestSupport.Cell(net, 3, 64, net == "LSTM" ? "none" : "modrelu");
            var x = randn(12, 70, 3);
            var c = randn(12, 70, cell.OutputSize);
            (Tensor H, Dictionary<string, Tensor> Grads) Run(UnrollMode mode)
            {
                foreach (var p in cell.parameters()) p.grad = null;
                foreach (var f in cell.OrthogonalFactors()) f.Refresh();
                var (h, _) = SequenceRunner.Run(cell, x, null, mode);
                // a loss on the last step only (psMNIST's shape) plus every step (the copy task's)
                (h[-1].sum() * 3 + (h * c).sum()).backward();
                foreach (var f in cell.OrthogonalFactors()) f.BackpropagateToLog();
                return (h.detach(), cell.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad?.clone() ?? zeros_like(p.parameter)));
            }
            var (hf, fused) = Run(UnrollMode.Fused);
            var (hs, steps) = Run(UnrollMode.StepByStep);
            Assert.True(TestSupport.RelativeError(hf, hs) < 1e-5, $"{net} {backend} H");
            foreach (var name in fused.Keys)
                Assert.True(TestSupport.RelativeError(fused[name], steps[name]) < 1e-4, $"{net} {backend} d/d{name}: {TestSupport.RelativeError(fused[name], steps[name])}");
        }
        finally { Gemm.Backend = previous; }
    }

    [Fact]
    public void Bench_roofline_adds_the_machine_limit_and_peak_memory()
    {
        var (code, stdout, stderr) = TestSupport.RunCli("bench", "--task", "psmnist", "--net-type", "nnRNN", "--nhid", "16",
            "--batch", "4", "--T", "10", "--warmup", "0", "--repeats", "1", "--roofline");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout.Trim());
        var root = json.RootElement;
        double ms = root.GetProperty("roofline_ms").GetDouble();
        Assert.True(ms > 0);
        double ratio = root.GetProperty("ms_median").GetDouble() / ms;   // roofline_ms is rounded to ns, the ratio to 0.01
        Assert.True(Math.Abs(root.GetProperty("roofline_ratio").GetDouble() - ratio) <= 0.01 + 0.01 * ratio, stdout);
        Assert.True(root.GetProperty("peak_rss_mb").GetDouble() > 10);
        Assert.True(root.GetProperty("sgemm_gflops").GetArrayLength() >= 2);
    }

    [Fact]
    public void Update_flops_count_each_product_of_the_recurrence()
    {
        var rnn = new BenchmarkConfig("psmnist", NetType.Rnn, 512, 100, 784, 2, 0, 1);
        // 3 recurrence products (h W, dz Wᵀ, dW) + 2 input ones (in = 1) per step, 3 read-out products
        double expected = 2.0 * 784 * 100 * 512 * (3 * 512 + 2 * 1) + 3 * 2.0 * 100 * 512 * 10;
        Assert.Equal(expected, Roofline.UpdateFlops(rnn, 1, 10, false), 1);
        var lstm = rnn with { Net = NetType.Lstm };
        Assert.True(Roofline.UpdateFlops(lstm, 1, 10, false) > 3.9 * Roofline.UpdateFlops(rnn, 1, 10, false));
    }
}
