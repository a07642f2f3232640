using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Devices;

/// <summary>
/// <c>--device cpu|cuda|cuda:N</c>: where a run's model, optimizer state and batches live. The default
/// is cpu, never "auto": the same command must give the same numbers on every machine, and CUDA's
/// results differ from the CPU's in the last float32 bits (other kernels, other summation orders).
/// </summary>
public static class ComputeDevice
{
    /// <summary>The option's name, for messages.</summary>
    public const string OptionName = "--device";

    /// <summary>The text that names the CPU (the default).</summary>
    public const string Cpu = "cpu";

    /// <summary>
    /// Parses <paramref name="text"/> (cpu, cuda, cuda:N; any case). Bad text throws
    /// <see cref="ArgumentException"/> naming <paramref name="option"/>.
    /// </summary>
    public static Device Parse(string? text, string option = OptionName)
    {
        var value = (text ?? Cpu).Trim().ToLowerInvariant();
        if (value == Cpu) return CPU;
        if (value == "cuda") return new Device(DeviceType.CUDA, 0);
        if (value.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
            return new Device(DeviceType.CUDA, index);
        throw new ArgumentException($"{option}: expected cpu, cuda or cuda:N, got '{text}'");
    }

    /// <summary>The canonical text of a device (cpu, cuda:0).</summary>
    public static string Name(Device device) => device.type == DeviceType.CPU ? Cpu : $"cuda:{Math.Max(0, device.index)}";

    /// <summary>
    /// Checks that <paramref name="device"/> can be used here: always for the CPU; for CUDA, a CUDA
    /// libtorch must be loaded and the device must exist. Otherwise throws
    /// <see cref="ArgumentException"/> with one line saying which of the two is missing.
    /// </summary>
    public static Device Require(Device device, string option = OptionName)
    {
        if (device.type == DeviceType.CPU) return device;
        if (device.type != DeviceType.CUDA) throw new ArgumentException($"{option}: {device.type} is not supported (cpu or cuda)");
        var runtime = TorchRuntime.Describe();
        if (!runtime.CudaLibTorch)
            throw new ArgumentException($"{option} {Name(device)}: the loaded libtorch has no CUDA ({runtime.LibTorchPath ?? "TorchSharp-cpu"}); " +
                                        $"build with -p:NnRnnTorchBackend=cuda or set {LibTorchLoader.Variable} to a CUDA PyTorch's torch/lib (README, GPU)");
        if (runtime.CudaDevices == 0)
            throw new ArgumentException($"{option} {Name(device)}: a CUDA libtorch is loaded ({runtime.LibTorchPath}) but no CUDA device is visible (no GPU, or its driver is missing)");
        if (device.index >= runtime.CudaDevices)
            throw new ArgumentException($"{option} {Name(device)}: only {runtime.CudaDevices} CUDA device(s) here (cuda:0..cuda:{runtime.CudaDevices - 1})");
        return device;
    }

    /// <summary><see cref="Parse"/> then <see cref="Require"/>.</summary>
    public static Device Resolve(string? text, string option = OptionName) => Require(Parse(text, option), option);

    /// <summary>True for the CPU.</summary>
    public static bool IsCpu(Device? device) => device is null || device.type == DeviceType.CPU;
}
