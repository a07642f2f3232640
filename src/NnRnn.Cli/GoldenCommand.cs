using System.CommandLine;
using NnRnn.Golden;

namespace NnRnn.Cli;

/// <summary><c>nnrnn golden FILE</c>: parity with values computed by the original PyTorch code.</summary>
public static class GoldenCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE")
        {
            Description = "a golden file: single cases (schema of ref_golden.json) or trajectories (ref_trajectory.json); the kind is detected",
        };
        var command = new Command("golden", "Check every model against a golden file; exit 0 only if all cases pass, 1 if one fails, 2 if the file is not a golden file.");
        command.Arguments.Add(file);
        var device = DeviceOption.Create("where the models run (comparisons on the CPU)");
        command.Options.Add(device);
        command.SetAction(r => CommandLine.Guard(() =>
        {
            var path = r.GetValue(file)!;
            if (Directory.Exists(path)) throw new GoldenFileException(path, "it is a directory");
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such golden file");
            TorchSharp.torch.set_num_threads(1);
            GoldenTensor.Device = NnRnn.Devices.ComputeDevice.Resolve(r.GetValue(device));
            List<CaseResult> results;
            try
            {
                results = GoldenChecker.CheckFile(path);
            }
            finally
            {
                GoldenTensor.Device = TorchSharp.torch.CPU;
            }
            foreach (var c in results) Console.WriteLine(c.Line());
            int failed = results.Count(c => !c.Passed);
            Console.WriteLine($"golden: {results.Count - failed} passed, {failed} failed");
            return failed == 0 ? 0 : 1;
        }));
        return command;
    }
}
