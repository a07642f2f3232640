using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Devices;

/// <summary>What the process runs on: the libtorch loaded, CUDA, devices and threads (<c>nnrnn doctor</c>).</summary>
/// <param name="TorchSharpVersion">The TorchSharp assembly's version.</param>
/// <param name="BuiltForLibTorch">The libtorch version TorchSharp was built against (its <c>torch.__version__</c>).</param>
/// <param name="LibTorchPath">The libtorch_cpu library mapped into the process, or null where that cannot be read (not Linux).</param>
/// <param name="LibTorchVersion">The loaded libtorch's version where it can be told (a PyTorch install's version.py, the NuGet folder), else null.</param>
/// <param name="CudaLibTorch">Whether the loaded libtorch has CUDA (libtorch_cuda is loaded).</param>
/// <param name="CudaDevices">CUDA devices libtorch sees (0 without CUDA).</param>
/// <param name="DeviceNames">Their names, where the driver tells them.</param>
/// <param name="Threads">libtorch's intra-op threads.</param>
public sealed record TorchRuntime(string TorchSharpVersion, string BuiltForLibTorch, string? LibTorchPath, string? LibTorchVersion,
    bool CudaLibTorch, int CudaDevices, IReadOnlyList<string> DeviceNames, int Threads)
{
    /// <summary>Reads the runtime (initialises libtorch's CUDA part when there is one).</summary>
    public static TorchRuntime Describe()
    {
        bool available = cuda.is_available();
        int count = available ? cuda.device_count() : 0;
        var maps = MappedLibraries();
        var cpuLib = maps.FirstOrDefault(p => Path.GetFileName(p) == "libtorch_cpu.so");
        bool cudaLib = maps.Count > 0 ? maps.Any(p => Path.GetFileName(p) == "libtorch_cuda.so") : available;
        return new TorchRuntime(
            typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?",
            __version__,
            cpuLib,
            cpuLib is null ? null : VersionOf(Path.GetDirectoryName(cpuLib)!),
            cudaLib,
            count,
            count > 0 ? CudaDriver.DeviceNames(count) : [],
            get_num_threads());
    }

    /// <summary>Paths of the shared libraries mapped into this process (empty where /proc is not there).</summary>
    public static IReadOnlyList<string> MappedLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return [];
        return File.ReadLines(maps)
            .Select(line => line.IndexOf('/') is int at and >= 0 ? line[at..].Trim() : "")
            .Where(p => p.Contains(".so", StringComparison.Ordinal))
            .Distinct()
            .ToList();
    }

    /// <summary>A PyTorch install's version (torch/version.py beside torch/lib), or the NuGet package folder's version.</summary>
    private static string? VersionOf(string libFolder)
    {
        var versionPy = Path.Combine(libFolder, "..", "version.py");
        if (File.Exists(versionPy))
            foreach (var line in File.ReadLines(versionPy))
                if (line.StartsWith("__version__", StringComparison.Ordinal) && line.Split('\'', '"') is { Length: >= 2 } parts)
                    return $"{parts[1]} (PyTorch)";
        // ~/.nuget/packages/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native
        var parts2 = libFolder.Split(Path.DirectorySeparatorChar);
        int at = Array.FindIndex(parts2, p => p.StartsWith("libtorch-", StringComparison.Ordinal));
        return at >= 0 && at + 1 < parts2.Length ? $"{parts2[at + 1]} ({parts2[at]})" : null;
    }

    /// <summary>The report's lines (doctor, --version).</summary>
    public IEnumerable<(string Key, string Value)> Lines()
    {
        yield return ("torchsharp", $"{TorchSharpVersion} (built for libtorch {BuiltForLibTorch})");
        yield return ("libtorch", LibTorchPath is null ? "(not readable here)" : LibTorchPath);
        yield return ("libtorch version", LibTorchVersion ?? $"unknown (assumed {BuiltForLibTorch}, TorchSharp's package)");
        yield return ("libtorch source", LibTorchLoader.Folder is { } f ? $"{LibTorchLoader.Variable}={f}" : "TorchSharp's package (the build's TorchSharp-* reference)");
        yield return ("cuda", CudaLibTorch ? (CudaDevices > 0 ? "available" : "CUDA libtorch, no device visible") : "no (CPU-only libtorch)");
        yield return ("cuda devices", CudaDevices == 0 ? "0" : $"{CudaDevices}: {string.Join("; ", DeviceNames.Select((n, i) => $"cuda:{i} {n}"))}");
        yield return ("threads", Threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("openmp waiting", Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is { } spin ? $"GOMP_SPINCOUNT={spin}"
            : Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { } policy ? $"OMP_WAIT_POLICY={policy}" : "libgomp's default (spin, then sleep)");
        // CPU products only (src/NnRnn/Blas): NNRNN_GEMM chooses, auto measures both per shape
        yield return ("blas", Blas.Gemm.OpenBlasLibrary is { } blas
            ? $"NNRNN_GEMM={Blas.Gemm.Backend.ToString().ToLowerInvariant()}: OpenBLAS {blas} or libtorch, per shape"
            : "libtorch (no OpenBLAS found)");
    }
}

/// <summary>Device names from the CUDA driver API (libcuda), which TorchSharp does not expose.</summary>
internal static unsafe class CudaDriver
{
    public static IReadOnlyList<string> DeviceNames(int count)
    {
        var names = new List<string>();
        try
        {
            if (!NativeLibrary.TryLoad("libcuda.so.1", out var lib)) return Unknown(count);
            if (!NativeLibrary.TryGetExport(lib, "cuInit", out var init) || !NativeLibrary.TryGetExport(lib, "cuDeviceGet", out var get)
                || !NativeLibrary.TryGetExport(lib, "cuDeviceGetName", out var name)) return Unknown(count);
            if (((delegate* unmanaged<uint, int>)init)(0) != 0) return Unknown(count);
            var buffer = stackalloc byte[256];
            for (int i = 0; i < count; i++)
            {
                int device;
                if (((delegate* unmanaged<int*, int, int>)get)(&device, i) != 0
                    || ((delegate* unmanaged<byte*, int, int, int>)name)(buffer, 256, device) != 0) { names.Add("?"); continue; }
                names.Add(Marshal.PtrToStringUTF8((IntPtr)buffer) ?? "?");
            }
            return names;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return Unknown(count);
        }
    }

    private static List<string> Unknown(int count) => Enumerable.Repeat("(name unknown)", count).ToList();
}
