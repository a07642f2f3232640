using System.Text.Json;
using System.Text.Json.Serialization;

namespace NnRnn.Experiments.Runs;

/// <summary>
/// Stores a double in checkpoint JSON as its 64 bits (a long): exact, and NaN or infinity
/// (a diverged run) survive, which JSON numbers cannot carry.
/// </summary>
public sealed class DoubleBits : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => BitConverter.Int64BitsToDouble(reader.GetInt64());

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        => writer.WriteNumberValue(BitConverter.DoubleToInt64Bits(value));
}
