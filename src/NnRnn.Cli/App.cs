using System.CommandLine;

namespace NnRnn.Cli;

/// <summary>The nnrnn command: every subcommand under one root (also run in-process by the tests).</summary>
public static class App
{
    public static RootCommand Root()
    {
        var root = new RootCommand("NnRnn: non-normal recurrent networks (Kerg et al. 2019) and baselines in TorchSharp.");
        root.Subcommands.Add(CopyTaskCommand.Create());
        root.Subcommands.Add(AddingCommand.Create());
        root.Subcommands.Add(PsmnistCommand.Create());
        root.Subcommands.Add(PtbCommand.Create());
        root.Subcommands.Add(GoldenCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(PresetsCommand.Create());
        root.Subcommands.Add(FidelityCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(GpuCheckCommand.Create());
        DoctorCommand.ReplaceVersion(root);
        root.Subcommands.Add(RunsCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        return root;
    }

    /// <summary>Runs nnrnn with <paramref name="args"/>; returns the exit code (see README, "Errors and exit codes").</summary>
    public static int Run(string[] args) => CommandLine.Invoke(Root(), args);
}
