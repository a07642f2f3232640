using NnRnn.Cells;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Benchmarks;

/// <summary>One row of <c>nnrnn gpucheck</c>: one update of a task and net on the CPU and on a device, compared.</summary>
/// <param name="loss_rel">|loss_device − loss_cpu| / |loss_cpu|.</param>
/// <param name="grad_rel">Over every parameter: max |g_device − g_cpu| / max |g_cpu| (after clipping, as the step used them).</param>
/// <param name="param_rel">The same for the parameters after the step.</param>
public sealed record ParityResult(string task, string net, string device, int seq_len, double loss_cpu, double loss_device,
    double loss_rel, double grad_rel, double param_rel, double ms_device, bool passed, string? error = null);

/// <summary>
/// The training path on another device against the CPU: the same model (built and drawn on the CPU,
/// then moved), the same batch, one full update (forward, loss, backward, orthogonal step, main
/// step) on each; loss, gradients and new parameters must agree within float32 rounding, which a
/// recurrence amplifies with its length: <see cref="Tolerance"/> relative to the largest magnitude.
/// </summary>
public static class DeviceParity
{
    /// <summary>Relative bound for loss, gradients and parameters after one update of these short sequences.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>The short lengths each task is checked at (a copy-task delay, adding length, pixels, bptt).</summary>
    public static int Length(string task) => task switch { "psmnist" => 60, "ptb" => 30, "adding" => 30, _ => 20 };

    public static ParityResult Check(string task, NetType net, string device, long hidden = 64, int batch = 8)
    {
        var config = new BenchmarkConfig(task, net, hidden, batch, Length(task), get_num_threads(), 0, 1, Device: "cpu");
        try
        {
            var (cpuLoss, cpuGrads, cpuParams, _) = OneUpdate(config);
            var (devLoss, devGrads, devParams, ms) = OneUpdate(config with { Device = device });
            double lossRel = Math.Abs(devLoss - cpuLoss) / Math.Max(Math.Abs(cpuLoss), 1e-30);
            double gradRel = MaxRelative(cpuGrads, devGrads), paramRel = MaxRelative(cpuParams, devParams);
            bool passed = double.IsFinite(devLoss) && lossRel <= Tolerance && gradRel <= Tolerance && paramRel <= Tolerance;
            foreach (var t in cpuGrads.Values.Concat(devGrads.Values).Concat(cpuParams.Values).Concat(devParams.Values)) t.Dispose();
            return new ParityResult(task, SeedNames.Of(net), device, config.Length, cpuLoss, devLoss, lossRel, gradRel, paramRel, Math.Round(ms, 3), passed);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new ParityResult(task, SeedNames.Of(net), device, config.Length, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN,
                false, e.Message.Split('\n')[0].Trim());
        }
    }

    /// <summary>One update from the benchmark's workload (seeded alike on every device); gradients and parameters afterwards, on the CPU.</summary>
    private static (double Loss, Dictionary<string, Tensor> Grads, Dictionary<string, Tensor> Params, double Ms) OneUpdate(BenchmarkConfig config)
    {
        manual_seed(1);
        using var data = new Generator(1);
        var (_, _, model, update) = UpdateBenchmark.Workload(config, data);
        using (model)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            double loss;
            using (NewDisposeScope()) loss = update();
            double ms = watch.Elapsed.TotalMilliseconds;
            var grads = new Dictionary<string, Tensor>();
            var values = new Dictionary<string, Tensor>();
            foreach (var (name, p) in model.named_parameters())
            {
                values[name] = p.detach().cpu().to_type(ScalarType.Float64);
                if (p.grad is { } g) grads[name] = g.detach().cpu().to_type(ScalarType.Float64);
            }
            return (loss, grads, values, ms);
        }
    }

    private static double MaxRelative(Dictionary<string, Tensor> want, Dictionary<string, Tensor> got)
    {
        if (!want.Keys.Order().SequenceEqual(got.Keys.Order())) return double.PositiveInfinity;
        double worst = 0;
        foreach (var (name, w) in want)
        {
            using var scope = NewDisposeScope();
            double scale = w.abs().max().item<double>();
            double diff = (got[name] - w).abs().max().item<double>();
            double rel = diff / Math.Max(scale, 1e-30);
            if (double.IsNaN(rel)) return double.NaN;
            worst = Math.Max(worst, scale == 0 && diff == 0 ? 0 : rel);
        }
        return worst;
    }
}
