using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Training;

/// <summary>
/// Moving what was built on the CPU to the run's device. Models are built (and their initial values
/// drawn) on the CPU and data is drawn by CPU generators, so one seed gives the same numbers on every device.
/// </summary>
public static class DevicePlacement
{
    /// <summary>
    /// Moves <paramref name="model"/> to <paramref name="device"/> (nothing for the CPU). Build its
    /// optimizer afterwards: TorchSharp's move replaces the parameter objects.
    /// </summary>
    public static T Model<T>(T model, Device device) where T : nn.Module
    {
        if (device.type == DeviceType.CPU) return model;
        model.to(device);
        // cached orthogonal matrices are rebuilt on the device from the moved coordinates
        foreach (var factor in model.modules().OfType<NnRnn.Parametrizations.OrthogonalParametrization>()) factor.Refresh();
        return model;
    }

    /// <summary>A tensor made on the CPU, on <paramref name="device"/>; the CPU original is disposed when it moved.</summary>
    public static Tensor Tensor(Tensor tensor, Device device)
    {
        if (device.type == DeviceType.CPU) return tensor;
        var moved = tensor.to(device);
        tensor.Dispose();
        return moved;
    }

    /// <summary>Waits for the device's queued work (timings; a no-op on the CPU).</summary>
    public static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}
