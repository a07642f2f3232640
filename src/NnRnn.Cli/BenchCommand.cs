using System.CommandLine;
using System.Text.Json;
using NnRnn.Experiments.Benchmarks;
using NnRnn.Cells;

namespace NnRnn.Cli;

/// <summary><c>nnrnn bench</c>: times full training updates; one JSON line per configuration.</summary>
public static class BenchCommand
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NetType"] = "--net-type", ["HiddenSize"] = "--nhid", ["Capacity"] = "--net-type", ["delay"] = "--T", ["sequenceLength"] = "--T", ["Length"] = "--T", ["Batch"] = "--batch",
    };

    public static Command Create()
    {
        var task = CommandLine.Option("--task", "task to time: copytask, adding, psmnist or ptb", "copytask");
        var nets = CommandLine.Option("--net-type", "comma-separated net types", "RNN,nnRNN,expRNN,LSTM");
        var nhid = CommandLine.Option("--nhid", "hidden units", 128);
        var batch = CommandLine.Option("--batch", "batch size", 10);
        var delay = new Option<int?>("--T") { Description = "sequence length: copy-task delay (200), adding length (200), psMNIST pixels (784), PTB bptt (150)" };
        var threads = CommandLine.Option("--threads", "comma-separated thread counts", "1");
        var warmup = CommandLine.Option("--warmup", "untimed updates first", 5);
        var repeats = CommandLine.Option("--repeats", "timed updates", 30);
        var baseline = CommandLine.Option("--baseline", "also time the per-step autograd path (ratio in one run)", false);
        var compareKernels = CommandLine.Option("--compare-kernels", "also time the fused path with the small-shape kernels off (ratio in one run)", false);
        var soak = new Option<int?>("--soak") { Description = "instead of timing: run this many updates and report resident memory at start and end" };
        var roofline = CommandLine.Option("--roofline", "measure the sgemm rates and add roofline_ms and roofline_ratio", false);
        var device = DeviceOption.Create("where the updates run");
        var command = new Command("bench", "Time full training updates (forward, backward, both optimizers).");
        foreach (var o in new Option[] { task, nets, nhid, batch, delay, threads, warmup, repeats, baseline, compareKernels, soak, roofline, device }) command.Options.Add(o);
        command.SetAction(r => CommandLine.Guard(() =>
        {
          try
          {
            var threadCounts = r.GetValue(threads)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s =>
                int.TryParse(s, out var n) && n > 0 ? n : throw new ArgumentException($"--threads: '{s}' is not a positive integer")).ToArray();
            var netTypes = r.GetValue(nets)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => SeedNames.Parse<NetType>(n.Trim(), "NetType")).ToArray();
            if (r.GetValue(nhid) <= 0) throw new ArgumentException($"--nhid: must be positive (got {r.GetValue(nhid)})");
            if (r.GetValue(batch) <= 0) throw new ArgumentException($"--batch: must be positive (got {r.GetValue(batch)})");
            var length = r.GetValue(delay) ?? UpdateBenchmark.DefaultLength(r.GetValue(task)!);
            if (length <= 0) throw new ArgumentException($"--T: must be positive (got {length})");
            var modes = r.GetValue(baseline) ? new[] { UnrollMode.Fused, UnrollMode.StepByStep } : new[] { UnrollMode.Fused };
            var on = NnRnn.Devices.ComputeDevice.Name(NnRnn.Devices.ComputeDevice.Resolve(r.GetValue(device)));
            BenchmarkConfig Config(int t, NetType net, UnrollMode mode) => new(r.GetValue(task)!, net, r.GetValue(nhid), r.GetValue(batch),
                length, t, r.GetValue(warmup), r.GetValue(repeats), mode, Device: on);
            foreach (var t in threadCounts)
                foreach (var net in netTypes) UpdateBenchmark.Validate(Config(t, net, UnrollMode.Fused));   // all before the first runs
            foreach (var t in threadCounts)
                foreach (var net in netTypes)
                {
                    var config = Config(t, net, UnrollMode.Fused);
                    if (r.GetValue(soak) is int updates)
                    {
                        Console.WriteLine(JsonSerializer.Serialize(UpdateBenchmark.Soak(config, updates)));
                        continue;
                    }
                    double? fusedMs = null;
                    foreach (var mode in modes)
                    {
                        var modeConfig = Config(t, net, mode);
                        var result = UpdateBenchmark.Run(modeConfig);
                        var json = JsonSerializer.SerializeToNode(result)!.AsObject();
                        if (r.GetValue(roofline)) RooflineFields.Add(json, modeConfig, result);
                        if (mode == UnrollMode.Fused) fusedMs = result.ms_median;
                        else if (fusedMs is double f) json["speedup_fused_vs_autograd"] = Math.Round(result.ms_median / f, 3);
                        Console.WriteLine(json.ToJsonString());
                    }
                    if (r.GetValue(compareKernels) && fusedMs is double small)
                    {
                        var result = UpdateBenchmark.Run(config with { SmallKernels = false });
                        var json = JsonSerializer.SerializeToNode(result)!.AsObject();
                        json["speedup_small_kernels"] = Math.Round(result.ms_median / small, 3);
                        Console.WriteLine(json.ToJsonString());
                    }
                }
            return 0;
          }
          catch (ArgumentException e) when (e.ParamName is { } p && Flags.TryGetValue(p, out var flag))
          {
              // the library names its parameters; the command line its options
              throw new ArgumentException($"{flag}: {CellFactory.Bare(e)}", e);
          }
        }));
        return command;
    }
}
