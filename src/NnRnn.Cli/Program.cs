using System.CommandLine;
using NnRnn.Cli;

// nnrnn: a thin command-line layer over the NnRnn library.
var root = new RootCommand("NnRnn: non-normal recurrent networks (Kerg et al. 2019) and baselines in TorchSharp.");
root.Subcommands.Add(CopyTaskCommand.Create());
root.Subcommands.Add(AddingCommand.Create());
root.Subcommands.Add(PsmnistCommand.Create());
root.Subcommands.Add(PtbCommand.Create());
root.Subcommands.Add(GoldenCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(PresetsCommand.Create());
root.Subcommands.Add(AnalyzeCommand.Create());
return CommandLine.Invoke(root, args);
