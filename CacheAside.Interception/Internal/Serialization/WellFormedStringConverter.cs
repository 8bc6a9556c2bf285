using System.Text.Json;
using System.Text.Json.Serialization;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Strings as System.Text.Json writes them, except that a string holding a lone UTF-16 surrogate is refused:
/// the built-in writer silently replaces one with U+FFFD (and cannot read one back), so the value would come
/// back changed. Well-formed strings round-trip exactly, which lets the fidelity check count strings as proven.
/// </summary>
internal sealed class WellFormedStringConverter : JsonConverter<string>
{
    public static WellFormedStringConverter Instance { get; } = new();

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? reader.GetString()
            : throw new JsonException($"Expected a string, found {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(EnsureWellFormed(value));

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString()!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WritePropertyName(EnsureWellFormed(value));

    /// <summary>Returns <paramref name="value"/>, or throws when it holds a surrogate that is not half of a pair.</summary>
    public static string EnsureWellFormed(string value)
    {
        var text = value.AsSpan();
        var at = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (at >= 0)
        {
            if (!char.IsHighSurrogate(text[at]) || at + 1 == text.Length || !char.IsLowSurrogate(text[at + 1]))
            {
                throw LoneSurrogate();
            }

            at += 2;
            var next = text[at..].IndexOfAnyInRange('\uD800', '\uDFFF');
            at = next < 0 ? -1 : at + next;
        }

        return value;
    }

    public static JsonException LoneSurrogate() =>
        new("A string holds a lone UTF-16 surrogate, which JSON text cannot carry: the value is not stored.");
}
