using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using CacheAside.Interception.Internal.Serialization;

namespace CacheAside.Interception.Internal.Entries;

/// <summary>
/// Turns a method's result into the bytes stored in Redis and back. An entry is a header, then the
/// System.Text.Json text of the value against the declared type, under the cache's contract (<see cref="JsonBody{T}"/>):
/// <c>ca3:&lt;fingerprint&gt;:&lt;token&gt;:&lt;loadedAtMs&gt;:&lt;loadMs&gt;:&lt;freshUntilMs&gt;:&lt;expiredAtMs&gt;:&lt;json&gt;</c>.
/// </summary>
/// <remarks>
/// The format version and the 16-hex-digit fingerprint of the type's shape come first, so an entry of
/// another format (<c>ca1</c> or <c>ca2</c>, written by an earlier release) or another shape of the type (before a deploy
/// changed it) is unreadable — a miss — rather than a half-filled object. The rest is what freshness needs
/// (<see cref="EntryStamp"/>). Type names are never written, so a payload cannot ask for a type to be created.
/// The header is text, so <c>redis-cli GET</c> shows an entry as it is.
/// </remarks>
/// <typeparam name="T">The declared result type.</typeparam>
internal sealed class EntryCodec<T>
{
    private const string FormatVersion = "ca3";

    private readonly JsonBody<T> _body;
    private readonly byte[] _prefix;
    private readonly DecodedEntries<T>? _decoded;
    private readonly FreshnessRule _freshness;

    /// <summary>Builds the codec of one method's entries.</summary>
    /// <param name="options">The cache's contract.</param>
    /// <param name="fingerprint">The shape of the type (<see cref="TypeShape"/>).</param>
    /// <param name="reuseInstances">
    /// Whether a value decoded from exactly the same entry bytes before is returned again, when
    /// <typeparamref name="T"/> is deeply immutable (<see cref="Immutability"/>).
    /// </param>
    /// <param name="freshness">How long this reader counts an entry as fresh; by default, as long as its header says.</param>
    public EntryCodec(JsonSerializerOptions options, string fingerprint, bool reuseInstances = false, FreshnessRule? freshness = null)
    {
        _freshness = freshness ?? FreshnessRule.ByHeader;
        _body = new JsonBody<T>(options);
        _prefix = Encoding.ASCII.GetBytes($"{FormatVersion}:{fingerprint}:");
        _decoded = reuseInstances && Immutability.IsDeep(typeof(T)) ? new DecodedEntries<T>() : null;
    }

    /// <summary>Gets the values decoded lately, when instances are reused; otherwise <see langword="null"/>.</summary>
    internal DecodedEntries<T>? Decoded => _decoded;

    /// <summary>Gets whether callers may be handed one instance: the type is deeply immutable and instances are reused.</summary>
    public bool SharesInstances => _decoded is not null;

    /// <summary>
    /// Writes the entry for <paramref name="value"/>; <see langword="false"/>, with the reason, when the value
    /// cannot be stored faithfully (see <see cref="JsonBody{T}"/>), or (<paramref name="tooLarge"/>) when the
    /// entry would pass <paramref name="maxBytes"/> — found while writing, before a huge value is written whole.
    /// </summary>
    public bool TryEncode(T value, in EntryStamp stamp, int maxBytes, [NotNullWhen(true)] out byte[]? entry, out string? problem, out bool tooLarge)
    {
        Span<byte> header = stackalloc byte[HeaderCapacity];
        return _body.TryWrite(value, header[..WriteHeader(header, stamp)], maxBytes, out entry, out problem, out tooLarge);
    }

    /// <summary>
    /// The entry <paramref name="stored"/> (one this codec wrote) with a new stamp and the same JSON, byte for
    /// byte — what a value read from Redis is stored again as, whatever became of the instance decoded from it;
    /// <see langword="null"/> when <paramref name="stored"/> is not such an entry.
    /// </summary>
    public byte[]? Restamp(ReadOnlySpan<byte> stored, in EntryStamp stamp)
    {
        if (!stored.StartsWith(_prefix))
        {
            return null;
        }

        var json = stored[_prefix.Length..];
        if (!TryReadHex(ref json, out _) || !TryReadNumber(ref json, out _) || !TryReadNumber(ref json, out _)
            || !TryReadNumber(ref json, out _) || !TryReadZeroOrNumber(ref json, out _))
        {
            return null;
        }

        Span<byte> header = stackalloc byte[HeaderCapacity];
        var length = WriteHeader(header, stamp);
        var entry = new byte[length + json.Length];
        header[..length].CopyTo(entry);
        json.CopyTo(entry.AsSpan(length));
        return entry;
    }

    /// <summary>
    /// The start of every entry this codec writes for the load that took <paramref name="token"/>: its format, shape
    /// and token, which no other load's entry shares — how a refresh tells the entry it read from one stored since.
    /// </summary>
    public byte[] Header(ulong token)
    {
        var header = new byte[_prefix.Length + 17];
        _prefix.CopyTo(header, 0);
        token.TryFormat(header.AsSpan(_prefix.Length), out _, "x16", null);
        header[^1] = (byte)':';
        return header;
    }

    /// <summary>
    /// Reads an entry back; anything this codec did not write is <see cref="EntryState.Unreadable"/>, never an exception.
    /// Fresh or not at <paramref name="nowMs"/> by the reader's rule, which <paramref name="stamp"/> is seen through
    /// (<see cref="FreshnessRule.View"/>), so every use of it — early refresh, fail-safe's window — keeps the reader's bound.
    /// </summary>
    public EntryState Decode(ReadOnlyMemory<byte> stored, long nowMs, out T value, out EntryStamp stamp, out string? reason)
    {
        value = default!;
        stamp = default;
        var span = stored.Span;
        if (!span.StartsWith(_prefix))
        {
            reason = span.StartsWith("ca"u8) && span.Length > 4 && span[3] == (byte)':' && !span.StartsWith("ca3:"u8)
                ? "written by another format version"
                : span.StartsWith("ca3:"u8) ? "written by another shape of the type" : "not a CacheAside entry";
            return EntryState.Unreadable;
        }

        span = span[_prefix.Length..];
        if (!TryReadHex(ref span, out var token))
        {
            reason = "a damaged header";
            return EntryState.Unreadable;
        }

        // The same bytes decode to the same stamp and value: an immutable value decoded from them before is it.
        if (_decoded is null || !_decoded.TryGet(token, stored.Span, out value, out stamp))
        {
            if (!TryReadNumber(ref span, out var loadedAt) || !TryReadNumber(ref span, out var loadMs)
                || !TryReadNumber(ref span, out var freshUntil) || !TryReadZeroOrNumber(ref span, out var expiredAt))
            {
                reason = "a damaged header";
                return EntryState.Unreadable;
            }

            if (!_body.TryRead(span, out value, out reason))
            {
                return EntryState.Unreadable;
            }

            stamp = new EntryStamp(token, loadedAt, loadMs, freshUntil, expiredAt);
            _decoded?.Add(stamp, stored.Span, value);
        }

        reason = null;
        stamp = _freshness.View(stamp, value is null);
        return nowMs < stamp.FreshUntilMs ? EntryState.Fresh : EntryState.Stale;
    }

    /// <summary>Gets the most bytes a header takes: the prefix, the token and four numbers, each with its colon.</summary>
    private int HeaderCapacity => _prefix.Length + 17 + (4 * 21);

    private int WriteHeader(Span<byte> header, in EntryStamp stamp)
    {
        _prefix.CopyTo(header);
        var length = _prefix.Length;
        stamp.Token.TryFormat(header[length..], out _, "x16", null);
        header[length + 16] = (byte)':';
        length += 17;
        length += WriteNumber(header[length..], stamp.LoadedAtMs);
        length += WriteNumber(header[length..], stamp.LoadMs);
        length += WriteNumber(header[length..], stamp.FreshUntilMs);
        length += WriteNumber(header[length..], stamp.ExpiredAtMs);
        return length;
    }

    private static int WriteNumber(Span<byte> span, long number)
    {
        Utf8Formatter.TryFormat(number, span, out var written);
        span[written] = (byte)':';
        return written + 1;
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

    private static bool TryReadZeroOrNumber(ref ReadOnlySpan<byte> span, out long number)
    {
        if (span.StartsWith("0:"u8))
        {
            number = 0;
            span = span[2..];
            return true;
        }

        return TryReadNumber(ref span, out number);
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
