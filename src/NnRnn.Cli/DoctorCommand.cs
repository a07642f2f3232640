using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using NnRnn.Devices;

namespace NnRnn.Cli;

/// <summary>
/// <c>nnrnn doctor</c>: what this process runs on (tool version, TorchSharp, the libtorch loaded and
/// where from, CUDA and its devices, threads, BLAS); <c>nnrnn --version</c> prints the same.
/// </summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Show the tool version, the libtorch loaded, CUDA and its devices, threads and BLAS.");
        command.SetAction(_ => Print());
        return command;
    }

    /// <summary>Prints the report; 0.</summary>
    public static int Print()
    {
        Console.WriteLine($"nnrnn {ToolVersion()}");
        foreach (var (key, value) in TorchRuntime.Describe().Lines())
            Console.WriteLine($"{key + ":",-18}{value}");
        return 0;
    }

    /// <summary>The informational version (version+commit where the build knew the commit).</summary>
    public static string ToolVersion()
        => typeof(DoctorCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";

    /// <summary>Makes the root's <c>--version</c> print the doctor report.</summary>
    public static void ReplaceVersion(RootCommand root)
    {
        foreach (var option in root.Options.OfType<VersionOption>()) option.Action = new VersionAction();
    }

    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult) => Print();
    }
}
