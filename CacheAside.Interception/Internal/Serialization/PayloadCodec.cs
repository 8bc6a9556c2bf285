using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Turns a method's result into the bytes stored in Redis and back: a short header naming the format and
/// the type's shape (<c>ca1:&lt;fingerprint&gt;:</c>), then the System.Text.Json text of the value against the
/// declared type. Type names are never written, so a payload cannot ask for a type to be created.
/// </summary>
internal sealed class PayloadCodec<T>
{
    private const string FormatVersion = "ca1";

    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly byte[] _header;

    public PayloadCodec(JsonSerializerOptions options, string fingerprint)
    {
        _typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        _header = Encoding.ASCII.GetBytes($"{FormatVersion}:{fingerprint}:");
    }

    public RedisValue Encode(T value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(_header);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, value, _typeInfo);
        }

        return buffer.WrittenMemory;
    }

    /// <summary>Reads a stored value back; <see langword="false"/> when it is not one this codec wrote.</summary>
    public bool TryDecode(RedisValue stored, out T value, out string? reason)
    {
        value = default!;
        ReadOnlyMemory<byte> bytes = stored;
        var span = bytes.Span;
        if (!span.StartsWith(_header))
        {
            reason = span.StartsWith("ca1:"u8) ? "written by another shape of the type" : "not a CacheAside payload";
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize(span[_header.Length..], _typeInfo)!;
            reason = null;
            return true;
        }
        catch (JsonException ex)
        {
            reason = "malformed JSON at byte " + ex.BytePositionInLine;
            return false;
        }
        catch (NotSupportedException)
        {
            reason = "JSON that does not fit the type";
            return false;
        }
    }
}
