using System.CommandLine;
using NnRnn.Analysis.Fidelity;

namespace NnRnn.Cli;

/// <summary>
/// <c>nnrnn fidelity</c>: FIDELITY.md from cached runs (DIR/{copy,psmnist,ptb}/{ours,original}/MODEL-SEED.csv, made by
/// scripts/fidelity/run.sh, which also calls this): window medians, slow starts, Mann–Whitney, curves.
/// </summary>
public static class FidelityCommand
{
    private static readonly string[] CopyModels = ["RNN", "RNN-orth", "expRNN", "nnRNN", "LSTM"];

    // budgets and data: scripts/fidelity/psmnist_args.sh and ptb_args.sh, described in HEAD.md
    private const string PsmnistTitle = "psMNIST, reduced budget (permuted Fashion-MNIST, N=128)";
    private const string PtbTitle = "PTB characters, reduced budget (N=128, bptt 150)";

    public static Command Create()
    {
        var runs = new Option<string>("--runs") { Description = "folder of cached runs (copy/ours, copy/original)", DefaultValueFactory = _ => "fidelity/runs" };
        var output = new Option<string>("--out") { Description = "the report to write (figures go to fidelity/ beside it)", DefaultValueFactory = _ => "FIDELITY.md" };
        var command = new Command("fidelity", "Write the fidelity report (ours against the original over seeds) from cached runs.");
        command.Options.Add(runs);
        command.Options.Add(output);
        command.SetAction(r => CommandLine.Guard(() =>
        {
            var dir = r.GetValue(runs)!;
            if (!Directory.Exists(dir)) throw new ArgumentException($"--runs: folder '{dir}' does not exist (run scripts/fidelity/run.sh first)");
            var report = Path.GetFullPath(r.GetValue(output)!);
            var head = Path.Combine(dir, "HEAD.md");
            var text = (File.Exists(head) ? File.ReadAllText(head) : "# Fidelity report\n\n")
                + FidelityReport.Section("copy task (T=200, N=128, batch 10, 1500 updates)", Path.Combine(dir, "copy"), CopyModels,
                    Path.Combine(Path.GetDirectoryName(report)!, "fidelity", "copy.png"), "fidelity/copy.png");
            var figures = Path.Combine(Path.GetDirectoryName(report)!, "fidelity");
            text += EpochReport.Section(EpochTask.Psmnist(PsmnistTitle), dir, Path.Combine(figures, "psmnist.png"), "fidelity/psmnist.png");
            text += EpochReport.Section(EpochTask.Ptb(PtbTitle), dir, Path.Combine(figures, "ptb.png"), "fidelity/ptb.png");
            var tail = Path.Combine(dir, "TAIL.md");
            if (File.Exists(tail)) text += File.ReadAllText(tail);
            File.WriteAllText(report, text);
            Console.WriteLine($"wrote {report}");
            return 0;
        }));
        return command;
    }
}
