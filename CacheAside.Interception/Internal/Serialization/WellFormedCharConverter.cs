using System.Text.Json;
using System.Text.Json.Serialization;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// A <see cref="char"/> as a one-character string, refusing a surrogate: alone it is not text JSON can carry,
/// and the built-in converter would write U+FFFD instead. See <see cref="WellFormedStringConverter"/>.
/// </summary>
internal sealed class WellFormedCharConverter : JsonConverter<char>
{
    public static WellFormedCharConverter Instance { get; } = new();

    public override char Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Single(reader.TokenType == JsonTokenType.String ? reader.GetString() : null);

    public override void Write(Utf8JsonWriter writer, char value, JsonSerializerOptions options)
    {
        if (char.IsSurrogate(value))
        {
            throw WellFormedStringConverter.LoneSurrogate();
        }

        Span<char> text = [value];
        writer.WriteStringValue(text);
    }

    public override char ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Single(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, char value, JsonSerializerOptions options)
    {
        if (char.IsSurrogate(value))
        {
            throw WellFormedStringConverter.LoneSurrogate();
        }

        Span<char> text = [value];
        writer.WritePropertyName(text);
    }

    private static char Single(string? text) =>
        text is { Length: 1 } ? text[0] : throw new JsonException("Expected a string of one character.");
}
