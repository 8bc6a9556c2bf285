using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Turns a method's result into the bytes stored in Redis and back: a short header naming the format and
/// the type's shape (<c>ca1:&lt;fingerprint&gt;:</c>), then the JSON body (<see cref="JsonBody{T}"/>). Type
/// names are never written, so a payload cannot ask for a type to be created.
/// </summary>
internal sealed class PayloadCodec<T>
{
    private const string FormatVersion = "ca1";

    private readonly JsonBody<T> _body;
    private readonly byte[] _header;

    public PayloadCodec(JsonSerializerOptions options, string fingerprint)
    {
        _body = new JsonBody<T>(options);
        _header = Encoding.ASCII.GetBytes($"{FormatVersion}:{fingerprint}:");
    }

    /// <summary>Encodes a value for storing; <see langword="false"/>, with the reason, when it is not to be stored.</summary>
    public bool TryEncode(T value, out RedisValue payload, out string? problem)
    {
        if (!_body.TryWrite(value, _header, out var entry, out problem))
        {
            payload = RedisValue.Null;
            return false;
        }

        payload = entry;
        return true;
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

        return _body.TryRead(span[_header.Length..], out value, out reason);
    }
}
