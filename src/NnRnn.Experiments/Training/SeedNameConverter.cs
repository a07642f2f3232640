using System.Text.Json;
using System.Text.Json.Serialization;

namespace NnRnn.Experiments.Training;

/// <summary>Writes an option's enum value as the seed spells it (<see cref="SeedNames"/>), and reads it back in any case.</summary>
public sealed class SeedNameConverter<T> : JsonConverter<T> where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => SeedNames.Parse<T>(reader.GetString() ?? "", typeof(T).Name);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        => writer.WriteStringValue(SeedNames.Of(value));
}
