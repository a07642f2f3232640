using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Runs;

/// <summary>
/// Reading what TorchSharp wrote (module.save, optimizer.save_state_dict) into a model or an
/// optimizer on any device. TorchSharp writes a CUDA tensor through a CPU copy but reads by
/// writing raw bytes into the target's memory, which must therefore be CPU memory: the tensors
/// are read on the CPU here and copied to where the model lives.
/// </summary>
internal static class DeviceIndependent
{
    /// <summary>module.save's layout: an LEB128 count, then (name, tensor) pairs; every name must match the module's, both ways.</summary>
    public static void LoadModule(BinaryReader reader, nn.Module module, string section)
    {
        var own = module.state_dict();
        long count = DecodeLeb128(reader);
        if (count != own.Count)
            throw new InvalidDataException($"checkpoint section '{section}': {count} tensors, the model has {own.Count}");
        var loaded = new List<(Tensor Target, Tensor Value)>();
        try
        {
            for (long i = 0; i < count; i++)
            {
                var key = reader.ReadString();
                var value = TensorExtensionMethods.Load(reader);
                loaded.Add((own.TryGetValue(key, out var target) ? target : null!, value));
                if (target is null)
                    throw new InvalidDataException($"checkpoint section '{section}': the model has no tensor '{key}'");
                if (target.dtype != value.dtype || !target.shape.SequenceEqual(value.shape))
                    throw new InvalidDataException($"checkpoint section '{section}': '{key}' is {value.dtype} [{string.Join(", ", value.shape)}], the model's {target.dtype} [{string.Join(", ", target.shape)}]");
            }
            using (no_grad())
                foreach (var (target, value) in loaded) target.copy_(value);
        }
        finally
        {
            foreach (var (_, value) in loaded) value.Dispose();
        }
    }

    /// <summary>The optimizer's state is moved to the CPU, read there, and moved back to <paramref name="device"/>.</summary>
    public static void LoadOptimizer(BinaryReader reader, OptimizerHelper optimizer, Device? device)
    {
        if (device is null || device.type == DeviceType.CPU)
        {
            optimizer.load_state_dict(reader);
            return;
        }
        var states = optimizer.state_dict().State;
        foreach (var state in states) state.to(CPU);
        try
        {
            optimizer.load_state_dict(reader);
        }
        finally
        {
            foreach (var state in states) state.to(device);
        }
    }

    /// <summary>An unsigned LEB128 integer (7 bits a byte, low first), as TorchSharp writes counts.</summary>
    private static long DecodeLeb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("checkpoint: malformed count");
    }
}
