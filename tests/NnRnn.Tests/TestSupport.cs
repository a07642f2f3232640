using NnRnn.Optim;
using NnRnn.Nonlinearities;
using System.Diagnostics;
using NnRnn.Cells;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary>Helpers shared by the tests.</summary>
internal static class TestSupport
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The CLI assembly built next to the tests.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "NnRnn.Cli.dll");

    /// <summary>Runs the CLI in a fresh process; returns exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) RunCli(params string[] args) => RunCliWith(new Dictionary<string, string?>(), args);

    /// <summary><see cref="RunCli"/> with environment variables set (null removes one).</summary>
    public static (int Code, string Out, string Err) RunCliWith(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet");
        foreach (var (name, value) in environment)
            if (value is null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return ChildProcess.Run(psi);
    }

    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "nnrnn-tests-" + Guid.NewGuid().ToString("N")[..10]);
        return d;
    }

    /// <summary>Builds a cell of the given type for tests (small sizes, chosen initialisers).</summary>
    public static RecurrentCell Cell(string net, long input, long hidden, string nonlin = "modrelu",
        NnRnn.Orthogonal.OrthogonalGradient route = NnRnn.Orthogonal.OrthogonalGradient.Frechet)
        => CellFactory.Create(new CellSpec(SeedNames.Parse<NetType>(net, nameof(net)), input, hidden,
            SeedNames.Parse<NnRnn.Nonlinearities.Activation>(nonlin, nameof(nonlin)),
            net is "RNN" ? Initializer.Xavier : Initializer.Cayley, Initializer.Xavier, Delta: 0.1, Gradient: route));

    /// <summary>Max |a − b| / max(|b|, tiny).</summary>
    public static double RelativeError(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var diff = (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
        var scale = Math.Max(b.to_type(ScalarType.Float64).abs().max().item<double>(), 1e-300);
        return diff / scale;
    }

    /// <summary>The output of <paramref name="run"/> and the gradients of Σ output ⊙ c for the cell's parameters (those with one) and x, in that order.</summary>
    public static (Tensor Value, Tensor[] Grads) CellGradients(RecurrentCell cell, Tensor x, Tensor c, Func<Tensor> run)
    {
        foreach (var p in cell.parameters()) p.grad = null;
        x.grad = null;
        var h = run();
        (h * c).sum().backward();
        var grads = cell.parameters().Where(p => p.grad is not null).Select(p => p.grad!.clone()).Append(x.grad!.clone()).ToArray();
        return (h.detach().clone(), grads);
    }
}
