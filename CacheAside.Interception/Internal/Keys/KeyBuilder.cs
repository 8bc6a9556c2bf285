using System.Security.Cryptography;
using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// Makes full keys: <c>prefix{body}</c>, where the braces are the Redis Cluster hash tag around the rendered
/// body, so every key derived from an entry by a suffix after the brace (<c>prefix{body}:lease</c>) lands in
/// the same slot. A key longer than the maximum keeps the prefix whole, a readable start of the body cut
/// between two tokens, and a hash of the whole key: <c>prefix{start\#hash}</c>. No unhashed body contains the
/// token <c>\#</c>, so a hashed key never equals an unhashed one.
/// </summary>
internal sealed class KeyBuilder
{
    /// <summary>What a hashed key adds to its start: <c>{</c>, <c>\#</c>, 32 hex digits (128 bits of SHA-256) and <c>}</c>.</summary>
    internal const int HashedOverhead = 1 + 2 + 32 + 1;

    /// <summary>The shortest start of the body a hashed key keeps, so people reading Redis can tell what it is.</summary>
    internal const int MinimumStart = 32;

    /// <summary>The longest key built without a writer, in a stack buffer.</summary>
    private const int BareKeyLength = 256;

    [ThreadStatic]
    private static KeyWriter? s_threadWriter;

    private readonly string _prefix;
    private readonly int _maxLength;

    /// <param name="prefix">Put in front of every key; must not contain a brace (it would move the hash tag).</param>
    /// <param name="maxLength">The longest key, prefix included; at least <see cref="MinimumLength"/> of the prefix.</param>
    public KeyBuilder(string prefix, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.AsSpan().IndexOfAny(KeyText.HashTagOpen, KeyText.HashTagClose) >= 0)
        {
            throw new ArgumentException("A key prefix cannot contain '{' or '}': they would move the hash tag.", nameof(prefix));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, MinimumLength(prefix));
        _prefix = prefix;
        _maxLength = maxLength;
    }

    /// <summary>The shortest maximum key length that leaves room for <paramref name="prefix"/>, a useful start and the hash.</summary>
    public static int MinimumLength(string prefix) => prefix.Length + MinimumStart + HashedOverhead;

    /// <summary>The full key of a call: the prefix, and the body <paramref name="renderer"/> writes from <paramref name="arguments"/> in the hash tag.</summary>
    /// <exception cref="KeyRenderException">An argument cannot be part of a key.</exception>
    public string Build(KeyRenderer renderer, object?[] arguments) => TryBuildBare(renderer, arguments) ?? BuildWritten(renderer, arguments);

    /// <summary>The full key of a call as <see cref="KeyRenderer.Render"/> writes it: what <see cref="Build(KeyRenderer, object?[])"/> returns, taking no shortcut.</summary>
    internal string BuildWritten(KeyRenderer renderer, object?[] arguments)
    {
        var writer = Rent();
        renderer.Render(writer, arguments);
        return Finish(writer);
    }

    /// <summary>The full key of a body that was rendered already (by <see cref="CacheAside.Interception.CacheKeyInterpolatedStringHandler"/>, say).</summary>
    /// <exception cref="ArgumentException"><paramref name="keyWithoutPrefix"/> is not a body as rendering writes it (empty, a raw brace, an unknown escape).</exception>
    public string Build(string keyWithoutPrefix)
    {
        ArgumentNullException.ThrowIfNull(keyWithoutPrefix);
        if (!KeyText.IsRenderedBody(keyWithoutPrefix))
        {
            throw new ArgumentException("The key is not one rendering produces: it is empty, or has a raw '{' or '}', an unpaired surrogate or an escape rendering never writes.", nameof(keyWithoutPrefix));
        }

        var writer = Rent();
        writer.Builder.Append(keyWithoutPrefix);
        return Finish(writer);
    }

    /// <summary>
    /// The key of a template whose every part is text as it stands (<c>product:{id}</c> with a number, a
    /// <see cref="Guid"/>, a string with nothing to escape): written into a stack buffer and made a string once, the
    /// same text <see cref="BuildWritten"/> makes, without its writer; <see langword="null"/> when the key is not of that kind,
    /// or too long to be kept as it is.
    /// </summary>
    private string? TryBuildBare(KeyRenderer renderer, object?[] arguments)
    {
        Span<char> key = stackalloc char[BareKeyLength];
        var start = _prefix.Length + 1;
        if (start >= BareKeyLength || !renderer.TryRenderBare(key[start..^1], arguments, out var body) || start + body + 1 > _maxLength)
        {
            return null;
        }

        _prefix.CopyTo(key);
        key[start - 1] = KeyText.HashTagOpen;
        key[start + body] = KeyText.HashTagClose;
        return new string(key[..(start + body + 1)]);
    }

    private KeyWriter Rent()
    {
        var writer = s_threadWriter ?? new KeyWriter(new StringBuilder(128));
        s_threadWriter = null;
        writer.Reset();
        writer.Builder.Append(_prefix).Append(KeyText.HashTagOpen);
        return writer;
    }

    private string Finish(KeyWriter writer)
    {
        var builder = writer.Builder;
        builder.Append(KeyText.HashTagClose);
        var key = builder.Length <= _maxLength ? builder.ToString() : Hashed(builder.ToString());
        if (builder.Capacity <= 1024)
        {
            s_threadWriter = writer;
        }

        return key;
    }

    private string Hashed(string full)
    {
        // The hash covers the whole key, so keys that share their start still differ; the text has no unpaired
        // surrogate, so its UTF-8 is lossless and the hash tells every key apart.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(full), hash);
        var bodyStart = _prefix.Length + 1;
        var body = full.AsSpan(bodyStart, full.Length - bodyStart - 1);
        var start = KeyText.TokenBoundary(body, _maxLength - _prefix.Length - HashedOverhead);
        return string.Concat(full.AsSpan(0, bodyStart + start), KeyText.HashMarker, Convert.ToHexStringLower(hash[..16]), "}");
    }
}
