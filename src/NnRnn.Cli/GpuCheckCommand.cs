using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NnRnn.Cells;
using NnRnn.Devices;
using NnRnn.Experiments.Benchmarks;

namespace NnRnn.Cli;

/// <summary>
/// <c>nnrnn gpucheck</c> (hidden; scripts/gpu-check.sh runs it): one update of every net type on every
/// task on the device against the CPU (<see cref="DeviceParity"/>). A JSON line per check, then a
/// table; exit 0 only if every check passed. An op that a foreign libtorch lacks fails at its first
/// call, so this runs every op of the training path once.
/// </summary>
public static class GpuCheckCommand
{
    public static Command Create()
    {
        var device = DeviceOption.Create("the device checked against the CPU");
        var tasks = CommandLine.Option("--task", "comma-separated tasks", string.Join(",", UpdateBenchmark.Tasks));
        var nets = CommandLine.Option("--net-type", "comma-separated net types", "RNN,RNN-orth,expRNN,nnRNN,LSTM,EURNN");
        var nhid = CommandLine.Option("--nhid", "hidden units", 64);
        var batch = CommandLine.Option("--batch", "batch size", 8);
        var command = new Command("gpucheck", "Check one update of every net type on every task on a device against the CPU.") { Hidden = true };
        foreach (var o in new Option[] { device, tasks, nets, nhid, batch }) command.Options.Add(o);
        command.SetAction(r => CommandLine.Guard(() =>
        {
            var on = ComputeDevice.Name(ComputeDevice.Resolve(r.GetValue(device)));
            var taskList = r.GetValue(tasks)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var t in taskList)
                if (!UpdateBenchmark.Tasks.Contains(t)) throw new ArgumentException($"--task: expected one of {string.Join(", ", UpdateBenchmark.Tasks)} (got '{t}')");
            var netList = r.GetValue(nets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(n => SeedNames.Parse<NetType>(n, "--net-type")).ToArray();
            if (r.GetValue(nhid) is < 2 or > 4096) throw new ArgumentException($"--nhid: expected 2 to 4096 (got {r.GetValue(nhid)})");
            if (r.GetValue(batch) is < 1 or > 1024) throw new ArgumentException($"--batch: expected 1 to 1024 (got {r.GetValue(batch)})");
            var results = new List<ParityResult>();
            foreach (var task in taskList)
                foreach (var net in netList)
                {
                    var result = DeviceParity.Check(task, net, on, r.GetValue(nhid), r.GetValue(batch));
                    Console.WriteLine(JsonSerializer.Serialize(result));
                    results.Add(result);
                }
            Console.WriteLine();
            Console.WriteLine($"{"task",-9}{"net",-9}{"T",5}{"loss cpu",12}{"loss " + on,14}{"loss rel",10}{"grad rel",10}{"param rel",10}{"ms",9}  result");
            foreach (var x in results)
                Console.WriteLine($"{x.task,-9}{x.net,-9}{x.seq_len,5}{F(x.loss_cpu, "F6"),12}{F(x.loss_device, "F6"),14}{F(x.loss_rel, "E1"),10}{F(x.grad_rel, "E1"),10}{F(x.param_rel, "E1"),10}{F(x.ms_device, "F1"),9}  "
                                  + (x.passed ? "ok" : "FAIL" + (x.error is null ? "" : ": " + x.error)));
            int failed = results.Count(x => !x.passed);
            Console.WriteLine($"gpucheck: {results.Count - failed} passed, {failed} failed (bound {DeviceParity.Tolerance:E0} relative to the CPU's magnitudes)");
            return failed == 0 ? 0 : 1;
        }));
        return command;
    }

    private static string F(double value, string format) => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);
}
