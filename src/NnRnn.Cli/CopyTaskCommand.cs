using System.CommandLine;
using NnRnn.Training;
using Spectre.Console;

namespace NnRnn.Cli;

/// <summary><c>nnrnn copytask</c>: trains a cell on the copy task and writes a run directory.</summary>
public static class CopyTaskCommand
{
    public static Command Create()
    {
        var d = new CopyTaskOptions();
        var netType = CommandLine.Option("--net-type", "RNN, RNN-orth, expRNN, nnRNN or LSTM", d.NetType);
        var nhid = CommandLine.Option("--nhid", "number of hidden units", d.Nhid);
        var delay = CommandLine.Option("--T", "delay between the sequence and its recall", d.T);
        var labels = CommandLine.Option("--labels", "number of symbols (at most 8)", d.Labels);
        var cLength = CommandLine.Option("--c-length", "length of the sequence to copy", d.CLength);
        var onehot = CommandLine.Option("--onehot", "one-hot inputs instead of scalar values", false);
        var vari = CommandLine.Option("--vari", "a random delay in [1, T] per sequence", false);
        var seed = CommandLine.Option("--random-seed", "random seed (initialisation and data)", d.RandomSeed);
        var batch = CommandLine.Option("--batch", "batch size", d.Batch);
        var lr = CommandLine.Option("--lr", "learning rate of the main optimizer", d.Lr);
        var lrOrth = CommandLine.Option("--lr_orth", "learning rate of the orthogonal optimizer", d.LrOrth);
        var alpha = CommandLine.Option("--alpha", "RMSprop smoothing constant", d.Alpha);
        var betas = new Option<double[]>("--betas")
        {
            Description = "Adam's beta1 beta2", DefaultValueFactory = _ => d.Betas,
            AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2),
        };
        var optimizer = CommandLine.Option("--optimizer", "RMSprop or Adam", d.Optimizer);
        var rinit = CommandLine.Option("--rinit", "recurrent init: xavier, kaiming, henaff, cayley, random", d.Rinit);
        var iinit = CommandLine.Option("--iinit", "input init: xavier or kaiming", d.Iinit);
        var nonlin = CommandLine.Option("--nonlin", "none, tanh, relu, sigmoid or modrelu", d.Nonlin);
        var alam = CommandLine.Option("--alam", "strength of the penalty on the gammas (delta)", d.Alam);
        var tdecay = CommandLine.Option("--Tdecay", "weight decay on the upper triangular T", d.Tdecay);
        var steps = CommandLine.Option("--steps", "number of training updates", d.Steps);
        var clip = CommandLine.Option("--clip", "gradient-norm clipping (0: off)", d.Clip);
        var threads = CommandLine.Option("--threads", "CPU threads for tensor ops", d.Threads);
        var gradient = CommandLine.Option("--gradient", "orthogonal gradient route: frechet (reference) or autograd", d.Gradient);
        var unroll = CommandLine.Option("--unroll", "fused (hand-written BPTT) or steps (per-step autograd)", d.Unroll);
        var output = new Option<string?>("--out") { Description = "run directory (default runs/copytask-NET-TIME)" };

        var command = new Command("copytask", "Train on the copy task (paper §5.1).");
        foreach (var o in new Option[] { netType, nhid, delay, labels, cLength, onehot, vari, seed, batch, lr, lrOrth, alpha,
                     betas, optimizer, rinit, iinit, nonlin, alam, tdecay, steps, clip, threads, gradient, unroll, output })
            command.Options.Add(o);

        command.SetAction(r => CommandLine.Guard(() =>
        {
            var options = new CopyTaskOptions
            {
                NetType = r.GetValue(netType)!, Nhid = r.GetValue(nhid), T = r.GetValue(delay), Labels = r.GetValue(labels),
                CLength = r.GetValue(cLength), Onehot = r.GetValue(onehot), Vari = r.GetValue(vari),
                RandomSeed = r.GetValue(seed), Batch = r.GetValue(batch), Lr = r.GetValue(lr), LrOrth = r.GetValue(lrOrth),
                Alpha = r.GetValue(alpha), Betas = r.GetValue(betas)!, Optimizer = r.GetValue(optimizer)!,
                Rinit = r.GetValue(rinit)!, Iinit = r.GetValue(iinit)!, Nonlin = r.GetValue(nonlin)!, Alam = r.GetValue(alam),
                Tdecay = r.GetValue(tdecay), Steps = r.GetValue(steps), Clip = r.GetValue(clip), Threads = r.GetValue(threads),
                Gradient = r.GetValue(gradient)!, Unroll = r.GetValue(unroll)!,
            };
            options.Validate();
            var dir = r.GetValue(output) ?? RunDirectory.DefaultPath("copytask", Canonical(options.NetType));
            int every = Math.Max(1, options.Steps / 30);
            double window = 0;
            void Header(NnRnn.Tasks.CopyTask task)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]copytask[/] {Canonical(options.NetType)} N={options.Nhid} T={options.T} batch={options.Batch} steps={options.Steps} -> {dir}");
                AnsiConsole.MarkupLineInterpolated($"memoryless baseline loss: [yellow]{task.MemorylessBaseline:F4}[/]");
            }
            var summary = CopyTaskRun.Run(options, dir, started: Header, progress: p =>
            {
                window += p.Loss;
                if (p.Step % every == 0 || p.Step == p.Steps)
                {
                    int n = p.Step % every == 0 ? every : p.Step % every;
                    Console.WriteLine($"step {p.Step,6}/{p.Steps}  loss {window / n:F5}  acc {p.Accuracy:F3}  {p.Milliseconds,7:F1} ms/update");
                    window = 0;
                }
            });
            var table = new Table().AddColumn("metric").AddColumn("value");
            foreach (var key in new[] { "final_loss", "final_accuracy", "memoryless_baseline", "seconds" })
                table.AddRow(key, Convert.ToString(summary[key], System.Globalization.CultureInfo.InvariantCulture) ?? "");
            AnsiConsole.Write(table);
            Console.WriteLine($"run directory: {dir}");
            return 0;
        }));
        return command;
    }

    private static string Canonical(string net) => NnRnn.Cells.CellFactory.Canonical(net);
}
