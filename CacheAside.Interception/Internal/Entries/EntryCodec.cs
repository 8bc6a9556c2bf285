using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CacheAside.Interception.Internal.Entries;

/// <summary>
/// Turns a method's result into the bytes stored in Redis and back. An entry is a header, then the
/// System.Text.Json text of the value against the declared type:
/// <c>ca2:&lt;fingerprint&gt;:&lt;token&gt;:&lt;loadedAtMs&gt;:&lt;loadMs&gt;:&lt;freshUntilMs&gt;:&lt;json&gt;</c>.
/// </summary>
/// <remarks>
/// The format version and the 16-hex-digit fingerprint of the type's shape come first, so an entry of
/// another format (<c>ca1</c>, written by an earlier release) or another shape of the type (before a deploy
/// changed it) is unreadable — a miss — rather than a half-filled object. The rest is what freshness needs
/// (<see cref="EntryStamp"/>). Type names are never written, so a payload cannot ask for a type to be created.
/// The header is text, so <c>redis-cli GET</c> shows an entry as it is.
/// </remarks>
/// <typeparam name="T">The declared result type.</typeparam>
internal sealed class EntryCodec<T>
{
    private const string FormatVersion = "ca2";

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_buffer;

    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly byte[] _prefix;

    public EntryCodec(JsonSerializerOptions options, string fingerprint)
    {
        _typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        _prefix = Encoding.ASCII.GetBytes($"{FormatVersion}:{fingerprint}:");
    }

    /// <summary>Writes the entry for <paramref name="value"/>; throws what the serializer throws.</summary>
    public byte[] Encode(T value, in EntryStamp stamp)
    {
        var buffer = s_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        buffer.Write(_prefix);
        WriteHex(buffer, stamp.Token);
        WriteNumber(buffer, stamp.LoadedAtMs);
        WriteNumber(buffer, stamp.LoadMs);
        WriteNumber(buffer, stamp.FreshUntilMs);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, value, _typeInfo);
        }

        var entry = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            // One large value must not pin a large buffer on this thread for the life of the process.
            s_buffer = null;
        }

        return entry;
    }

    /// <summary>Reads an entry back; anything this codec did not write is <see cref="EntryState.Unreadable"/>, never an exception.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever a stored entry makes the serializer throw, it is a miss.")]
    public EntryState Decode(ReadOnlyMemory<byte> stored, long nowMs, out T value, out EntryStamp stamp, out string? reason)
    {
        value = default!;
        stamp = default;
        var span = stored.Span;
        if (!span.StartsWith(_prefix))
        {
            reason = span.StartsWith("ca"u8) && span.Length > 4 && span[4] == (byte)':' && !span.StartsWith("ca2:"u8)
                ? "written by another format version"
                : span.StartsWith("ca2:"u8) ? "written by another shape of the type" : "not a CacheAside entry";
            return EntryState.Unreadable;
        }

        span = span[_prefix.Length..];
        if (!TryReadHex(ref span, out var token) || !TryReadNumber(ref span, out var loadedAt)
            || !TryReadNumber(ref span, out var loadMs) || !TryReadNumber(ref span, out var freshUntil))
        {
            reason = "a damaged header";
            return EntryState.Unreadable;
        }

        try
        {
            value = JsonSerializer.Deserialize(span, _typeInfo)!;
        }
        catch (JsonException ex)
        {
            reason = "malformed JSON at byte " + ex.BytePositionInLine;
            return EntryState.Unreadable;
        }
        catch (Exception ex)
        {
            reason = "JSON that does not fit the type (" + ex.GetType().Name + ")";
            return EntryState.Unreadable;
        }

        stamp = new EntryStamp(token, loadedAt, loadMs, freshUntil);
        reason = null;
        return nowMs < freshUntil ? EntryState.Fresh : EntryState.Stale;
    }

    private static void WriteHex(ArrayBufferWriter<byte> buffer, ulong token)
    {
        var span = buffer.GetSpan(17);
        token.TryFormat(span, out _, "x16", null);
        span[16] = (byte)':';
        buffer.Advance(17);
    }

    private static void WriteNumber(ArrayBufferWriter<byte> buffer, long number)
    {
        var span = buffer.GetSpan(21);
        Utf8Formatter.TryFormat(number, span, out var written);
        span[written] = (byte)':';
        buffer.Advance(written + 1);
    }

    private static bool TryReadHex(ref ReadOnlySpan<byte> span, out ulong token)
    {
        token = 0;
        if (span.Length < 17 || span[16] != (byte)':' || !Utf8Parser.TryParse(span[..16], out token, out var consumed, 'x') || consumed != 16)
        {
            return false;
        }

        span = span[17..];
        return true;
    }

    private static bool TryReadNumber(ref ReadOnlySpan<byte> span, out long number)
    {
        number = 0;
        var end = span.IndexOf((byte)':');
        if (end <= 0 || !Utf8Parser.TryParse(span[..end], out number, out var consumed) || consumed != end)
        {
            return false;
        }

        span = span[(end + 1)..];
        return true;
    }
}
