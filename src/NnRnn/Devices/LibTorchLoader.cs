using System.Reflection;
using System.Runtime.InteropServices;

namespace NnRnn.Devices;

/// <summary>
/// <c>NNRNN_LIBTORCH=/path/to/torch/lib</c>: use the libtorch of an existing PyTorch installation (e.g.
/// one built for CUDA) instead of the one TorchSharp's package brings. Before the first torch call,
/// libc10, libc10_cuda, libtorch_cpu, libtorch_cuda and libtorch are loaded from that folder by full
/// path (those present), then TorchSharp's own native library. TorchSharp then finds them by soname
/// when it loads torch_cpu and torch_cuda by name. A build that carries its own libtorch (TorchSharp-cpu,
/// TorchSharp-cuda-linux) is refused: TorchSharp's probe would load that copy too, and two libtorch_cpu
/// in one process register every operator twice and abort it. Use a build with
/// <c>-p:NnRnnTorchBackend=external</c> (scripts/gpu-prepare.sh makes one).
/// </summary>
public static class LibTorchLoader
{
    /// <summary>The environment variable.</summary>
    public const string Variable = "NNRNN_LIBTORCH";

    /// <summary>Loaded in this order: each one's DT_NEEDED entries are then found by soname among those already loaded.</summary>
    private static readonly string[] Order = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];

    private static readonly Dictionary<string, IntPtr> Loaded = new(StringComparer.Ordinal);
    private static readonly object Gate = new();
    private static bool done;

    /// <summary>The folder the libraries came from, or null when the package's libtorch is used.</summary>
    public static string? Folder { get; private set; }

    /// <summary>The TorchSharp native library loaded with the folder's libtorch, or null.</summary>
    public static string? TorchSharpNative { get; private set; }

    /// <summary>
    /// Applies <see cref="Variable"/> when it is set (once per process; call before any torch call).
    /// A folder that does not exist or lacks libtorch_cpu throws <see cref="LibTorchException"/>.
    /// </summary>
    public static void Apply() => Apply(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Loads the libtorch in <paramref name="folder"/> (nothing when null or empty).</summary>
    public static void Apply(string? folder)
    {
        lock (Gate)
        {
            if (done) return;
            if (string.IsNullOrWhiteSpace(folder))
            {
                if (OperatingSystem.IsLinux() && !CarriedLibTorch().Any() && File.Exists(Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll")))
                    throw new LibTorchException($"this build carries no libtorch (-p:NnRnnTorchBackend=external): set {Variable} to a libtorch lib folder, e.g. a PyTorch install's torch/lib");
                return;
            }
            if (!OperatingSystem.IsLinux()) throw new LibTorchException($"{Variable}: only supported on Linux");
            var full = Path.GetFullPath(folder);
            if (!Directory.Exists(full)) throw new LibTorchException($"{Variable}: folder {full} does not exist (expected a libtorch lib folder, e.g. a PyTorch install's torch/lib)");
            if (!File.Exists(Path.Combine(full, "libtorch_cpu.so")))
                throw new LibTorchException($"{Variable}: {full} has no libtorch_cpu.so (expected a libtorch lib folder, e.g. a PyTorch install's torch/lib)");
            RefuseCarriedLibTorch(full);
            foreach (var name in Order)
            {
                var path = Path.Combine(full, name);
                if (!File.Exists(path)) continue;
                try
                {
                    Loaded[name] = NativeLibrary.Load(path);
                }
                catch (DllNotFoundException e)
                {
                    throw new LibTorchException($"{Variable}: cannot load {path} ({FirstLine(e.Message)})");
                }
            }
            var native = FindTorchSharpNative();
            try
            {
                Loaded["libLibTorchSharp.so"] = NativeLibrary.Load(native);
            }
            catch (DllNotFoundException e)
            {
                throw new LibTorchException($"{Variable}: TorchSharp's {native} does not load with the libtorch in {full} ({FirstLine(e.Message)})");
            }
            Folder = full;
            TorchSharpNative = native;
            done = true;
        }
    }

    /// <summary>A libtorch_cpu beside the application (the build's own) that is not the folder's own file.</summary>
    private static void RefuseCarriedLibTorch(string folder)
    {
        var wanted = new FileInfo(Path.Combine(folder, "libtorch_cpu.so"));
        foreach (var carried in CarriedLibTorch())
            if (!SameFile(wanted, new FileInfo(carried)))
                throw new LibTorchException($"{Variable}: this build carries its own libtorch ({carried}); two in one process abort it: " +
                                            "use a build made with -p:NnRnnTorchBackend=external (scripts/gpu-prepare.sh), or unset the variable");
    }

    /// <summary>The build's own libtorch_cpu files (a package's), if any.</summary>
    public static IEnumerable<string> CarriedLibTorch()
        => NativeFolders().Select(d => Path.Combine(d, "libtorch_cpu.so")).Where(File.Exists);

    private static bool SameFile(FileInfo a, FileInfo b) => RealPath(a.FullName) == RealPath(b.FullName);

    /// <summary>The path with every symbolic link resolved (libc realpath).</summary>
    private static string RealPath(string path)
    {
        var resolved = realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return path;
        try { return Marshal.PtrToStringUTF8(resolved) ?? path; }
        finally { free(resolved); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath(string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);

    private static IEnumerable<string> NativeFolders()
    {
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        yield return AppContext.BaseDirectory;
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native");
    }

    /// <summary>libLibTorchSharp.so beside the application (a RID-specific publish) or under runtimes/linux-x64/native.</summary>
    private static string FindTorchSharpNative()
    {
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"),
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", "libLibTorchSharp.so"),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new LibTorchException($"{Variable}: TorchSharp's libLibTorchSharp.so is not beside the application ({AppContext.BaseDirectory})");
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}

/// <summary>A libtorch that cannot be used as asked (<see cref="LibTorchLoader.Variable"/>): one line, exit 2.</summary>
public sealed class LibTorchException(string message) : Exception(message);
