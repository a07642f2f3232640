using System.CommandLine;
using NnRnn.Devices;

namespace NnRnn.Cli;

/// <summary><c>--device cpu|cuda|cuda:N</c> on the training commands, <c>bench</c> and <c>golden</c>.</summary>
public static class DeviceOption
{
    /// <param name="what">What the device is for (the help's first words).</param>
    public static Option<string> Create(string what)
    {
        var option = CommandLine.Option(ComputeDevice.OptionName,
            $"{what}: cpu, cuda or cuda:N (default cpu, so a command gives the same numbers on every machine; CUDA needs a CUDA libtorch, README \"GPU\")",
            ComputeDevice.Cpu);
        // the text is checked at parse time; whether CUDA is there, when the command runs
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return;
            try { ComputeDevice.Parse(r.Tokens[0].Value); }
            catch (ArgumentException e) { r.AddError(e.Message); }
        });
        return option;
    }
}
