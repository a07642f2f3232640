using System.CommandLine;

namespace NnRnn.Cli;

/// <summary><c>nnrnn analyze matrix|transients|fisher|compare</c>: look inside trained networks (issue 9).</summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var command = new Command("analyze",
            "Analyse recurrent matrices: Schur form, eigenvalues, non-normality, transients, Fisher memory.");
        command.Subcommands.Add(AnalyzeMatrixCommand.Create());
        command.Subcommands.Add(AnalyzeTransientsCommand.Create());
        command.Subcommands.Add(AnalyzeFisherCommand.Create());
        command.Subcommands.Add(AnalyzeCompareCommand.Create());
        return command;
    }
}
