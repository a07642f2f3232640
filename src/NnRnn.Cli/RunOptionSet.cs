using System.CommandLine;
using NnRnn.Experiments.Training;

namespace NnRnn.Cli;

/// <summary>The model, optimiser and run options shared by every training command (seed names).</summary>
public sealed class RunOptionSet
{
    private readonly Option<string> netType, rinit, iinit, nonlin, optimizer, gradient, unroll;
    private readonly Option<int> nhid, capacity, seed, batch, threads;
    private readonly Option<double> alam, lr, lrOrth, alpha, tdecay, clip;
    private readonly Option<bool> fft;
    private readonly Option<double[]> betas;

    /// <param name="defaults">The task's defaults, shown in --help.</param>
    public RunOptionSet(RunOptions defaults)
    {
        var d = defaults;
        netType = CommandLine.Option("--net-type", "RNN, RNN-orth, expRNN, nnRNN, LSTM or EURNN", d.NetType);
        nhid = CommandLine.Option("--nhid", "number of hidden units", d.Nhid);
        rinit = CommandLine.Option("--rinit", "recurrent init: xavier, kaiming, henaff, cayley, random", d.Rinit);
        iinit = CommandLine.Option("--iinit", "input init: xavier or kaiming", d.Iinit);
        nonlin = CommandLine.Option("--nonlin", "none, tanh, relu, sigmoid or modrelu", d.Nonlin);
        alam = CommandLine.Option("--alam", "strength of the penalty on nnRNN's gammas (delta)", d.Alam);
        capacity = CommandLine.Option("--capacity", "EURNN: number of rotation layers (tunable space)", d.Capacity);
        fft = CommandLine.Option("--fft", "EURNN: FFT-style arrangement (log2 N layers)", d.Fft);
        gradient = CommandLine.Option("--gradient", "orthogonal gradient route: frechet (reference) or autograd", d.Gradient);
        unroll = CommandLine.Option("--unroll", "fused (hand-written BPTT) or steps (per-step autograd)", d.Unroll);
        seed = CommandLine.Option("--random-seed", "random seed (initialisation and data order)", d.RandomSeed);
        batch = CommandLine.Option("--batch", "batch size", d.Batch);
        optimizer = CommandLine.Option("--optimizer", "RMSprop or Adam (both optimizers)", d.Optimizer);
        lr = CommandLine.Option("--lr", "learning rate of the main optimizer", d.Lr);
        lrOrth = CommandLine.Option("--lr_orth", "learning rate of the orthogonal optimizer", d.LrOrth);
        alpha = CommandLine.Option("--alpha", "RMSprop smoothing constant", d.Alpha);
        betas = new Option<double[]>("--betas")
        {
            Description = "Adam's beta1 beta2", DefaultValueFactory = _ => d.Betas,
            AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2),
        };
        tdecay = CommandLine.Option("--Tdecay", "weight decay on nnRNN's upper triangular T", d.Tdecay);
        clip = CommandLine.Option("--clip", "gradient-norm clipping (0: off)", d.Clip);
        threads = CommandLine.Option("--threads", "CPU threads for tensor ops", d.Threads);
    }

    private Option[] All => new Option[] { netType, nhid, rinit, iinit, nonlin, alam, capacity, fft, gradient, unroll, seed, batch,
        optimizer, lr, lrOrth, alpha, betas, tdecay, clip, threads };

    public void AddTo(Command command)
    {
        foreach (var o in All) command.Options.Add(o);
    }

    /// <summary>The shared options given explicitly on the command line.</summary>
    public IEnumerable<string> Given(ParseResult r) => All.Where(o => r.GetResult(o) is { Implicit: false }).Select(o => o.Name);

    /// <summary>The task's options with the shared values read from the command line.</summary>
    public T Bind<T>(ParseResult r, T options) where T : RunOptions => options with
    {
        NetType = r.GetValue(netType)!, Nhid = r.GetValue(nhid), Rinit = r.GetValue(rinit)!, Iinit = r.GetValue(iinit)!,
        Nonlin = r.GetValue(nonlin)!, Alam = r.GetValue(alam), Capacity = r.GetValue(capacity), Fft = r.GetValue(fft),
        Gradient = r.GetValue(gradient)!, Unroll = r.GetValue(unroll)!, RandomSeed = r.GetValue(seed), Batch = r.GetValue(batch),
        Optimizer = r.GetValue(optimizer)!, Lr = r.GetValue(lr), LrOrth = r.GetValue(lrOrth), Alpha = r.GetValue(alpha),
        Betas = r.GetValue(betas)!, Tdecay = r.GetValue(tdecay), Clip = r.GetValue(clip), Threads = r.GetValue(threads),
    };
}
