using System.Diagnostics;

namespace NnRnn.Tests;

/// <summary>
/// A fresh folder for one hostile case: the working directory (default run directories land here)
/// and $NNRNN_DATA point into it, so anything a command leaves behind shows up in <see cref="Snapshot"/>.
/// In-process runs change process-wide state (working directory, environment, console), so the
/// hostile tests run in a collection that never runs beside another.
/// </summary>
internal sealed class HostileSandbox : IDisposable
{
    private readonly string previousDirectory = Directory.GetCurrentDirectory();
    private readonly string? previousData = Environment.GetEnvironmentVariable("NNRNN_DATA");

    public HostileSandbox()
    {
        Root = Path.Combine(Path.GetTempPath(), "nnrnn-hostile-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>The value of <c>$NNRNN_DATA</c> during a case (a folder that does not exist).</summary>
    public string DataRoot => Path.Combine(Root, "data-root");


    /// <summary>Every entry under the sandbox (files with their sizes, folders), sorted.</summary>
    public string[] Snapshot() =>
    [
        .. Directory.GetFileSystemEntries(Root, "*", SearchOption.AllDirectories)
            .Select(e => Path.GetRelativePath(Root, e) + (File.Exists(e) ? $" {new FileInfo(e).Length}" : "/"))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Runs nnrnn in this process: exit code, stderr and stdout.</summary>
    public (int Code, string Err, string Out) RunInProcess(string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        var (output, err) = (new StringWriter(), new StringWriter());
        Directory.SetCurrentDirectory(Root);
        Environment.SetEnvironmentVariable("NNRNN_DATA", DataRoot);
        Console.SetOut(output);
        Console.SetError(err);
        try
        {
            return (NnRnn.Cli.App.Run(args), err.ToString(), output.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Directory.SetCurrentDirectory(previousDirectory);
            Environment.SetEnvironmentVariable("NNRNN_DATA", previousData);
        }
    }

    /// <summary>Runs the built nnrnn as a child process in the sandbox: exit code, stderr and stdout.</summary>
    public (int Code, string Err, string Out) RunProcess(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root,
        };
        psi.Environment["NNRNN_DATA"] = DataRoot;
        psi.Environment.Remove("NNRNN_DEBUG");
        psi.ArgumentList.Add(TestSupport.CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var (code, stdout, stderr) = ChildProcess.Run(psi);
        return (code, stderr, stdout);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
