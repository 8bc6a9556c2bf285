using System.Buffers;
using System.Globalization;
using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// The characters of a key body and how text is escaped into it. A full key is <c>prefix{body}</c>: the
/// braces are the Redis Cluster hash tag, so a body never holds a raw brace. Every escape is a backslash and
/// one character (<c>\u</c> takes four hex digits more, <c>\^</c> a number), so a body reads back token by
/// token from its start; the tokens only structure writes (<see cref="NullToken"/>, <see cref="Unread"/>, <see cref="EmptyToken"/>,
/// <see cref="ScopeMarker"/>, <see cref="BackReference"/>, <see cref="HashMarker"/>) never come out of text.
/// </summary>
/// <remarks>
/// Value text (arguments, type names in tags, scopes) escapes every character the grammar gives a meaning:
/// <c>\</c> <c>:</c> <c>(</c> <c>)</c> <c>[</c> <c>]</c> <c>,</c> as <c>\</c> and the character, <c>{</c> as
/// <c>\&lt;</c>, <c>}</c> as <c>\&gt;</c>, and an unpaired surrogate as <c>\uXXXX</c> (UTF-8, which Redis
/// keys are written in, would turn it into U+FFFD and merge it with others). Literal text of templates only
/// escapes braces, backslashes and unpaired surrogates: its <c>:</c> are the separators between values.
/// </remarks>
internal static class KeyText
{
    internal const char Escape = '\\';
    internal const char Separator = ':';
    internal const char TagOpen = '(';
    internal const char TagClose = ')';
    internal const char CompositeOpen = '[';
    internal const char CompositeClose = ']';
    internal const char ItemSeparator = ',';
    internal const char HashTagOpen = '{';
    internal const char HashTagClose = '}';

    /// <summary>A <see langword="null"/> value.</summary>
    internal const string NullToken = "\\0";

    /// <summary>
    /// A property of a placeholder's path left unread because a value before it was <see langword="null"/>: one
    /// follows <see cref="NullToken"/> for each, so <c>{order.CustomerId}</c> renders <c>\0\.</c> for a null order and
    /// <c>\0</c> for a null customer id.
    /// </summary>
    internal const string Unread = "\\.";

    /// <summary>An empty text, so that no value renders as nothing (<c>[]</c> and <c>[""]</c> differ).</summary>
    internal const string EmptyToken = "\\e";

    /// <summary>Starts the registration scope of a default key.</summary>
    internal const string ScopeMarker = "\\@";

    /// <summary>A composite that is one of its own ancestors; the number says how many levels up.</summary>
    internal const string BackReference = "\\^";

    /// <summary>Ends the readable start of an over-long key, before its hash.</summary>
    internal const string HashMarker = "\\#";

    private const string ValueSpecials = "\\:()[],{}";
    private const string NameSpecials = "\\:{}";
    private const string LiteralSpecials = "\\{}";

    private static readonly SearchValues<char> s_value = WithSurrogates(ValueSpecials);
    private static readonly SearchValues<char> s_name = WithSurrogates(NameSpecials);
    private static readonly SearchValues<char> s_literal = WithSurrogates(LiteralSpecials);

    /// <summary>Appends value text: every character with a meaning in the grammar is escaped; empty text is <see cref="EmptyToken"/>.</summary>
    public static void AppendValue(StringBuilder builder, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            builder.Append(EmptyToken);
            return;
        }

        Append(builder, text, s_value);
    }

    /// <summary>
    /// Appends name text (the signature of a default key): braces, backslashes, colons and unpaired surrogates
    /// are escaped; the punctuation of type names is kept readable.
    /// </summary>
    public static void AppendName(StringBuilder builder, ReadOnlySpan<char> text) =>
        Append(builder, text, s_name);

    /// <summary>Appends literal text of a template or of an interpolated key: braces, backslashes and unpaired surrogates are escaped.</summary>
    public static void AppendLiteral(StringBuilder builder, ReadOnlySpan<char> text) =>
        Append(builder, text, s_literal);

    /// <summary>Tells whether <paramref name="text"/> is value text that <see cref="AppendValue"/> writes as it stands: not empty, nothing to escape.</summary>
    public static bool IsBareValue(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAny(s_value);

    /// <summary>Appends a number or another formattable value in its invariant text, escaped as value text.</summary>
    public static void AppendFormatted<T>(StringBuilder builder, T value, string? format)
        where T : ISpanFormattable
    {
        Span<char> buffer = stackalloc char[64];
        if (value.TryFormat(buffer, out var written, format, CultureInfo.InvariantCulture))
        {
            AppendValue(builder, buffer[..written]);
        }
        else
        {
            AppendValue(builder, value.ToString(format, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// The length of the longest start of <paramref name="body"/>, at most <paramref name="limit"/> characters,
    /// that ends between two tokens: never inside an escape and never between the halves of a surrogate pair.
    /// </summary>
    public static int TokenBoundary(ReadOnlySpan<char> body, int limit)
    {
        var position = 0;
        while (position < body.Length)
        {
            var length = TokenLength(body, position);
            if (position + length > limit)
            {
                break;
            }

            position += length;
        }

        return position;
    }

    /// <summary>
    /// Tells whether <paramref name="body"/> is a body as renderers write it: not empty, no raw brace, no unpaired
    /// surrogate, every escape one that rendering produces, and no <see cref="HashMarker"/> (which only hashing writes).
    /// </summary>
    public static bool IsRenderedBody(ReadOnlySpan<char> body)
    {
        if (body.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < body.Length;)
        {
            var character = body[i];
            if (character is HashTagOpen or HashTagClose)
            {
                return false;
            }

            if (character == Escape)
            {
                if (!IsRenderedEscape(body[i..], out var length))
                {
                    return false;
                }

                i += length;
                continue;
            }

            if (char.IsSurrogate(character))
            {
                if (!char.IsHighSurrogate(character) || i + 1 >= body.Length || !char.IsLowSurrogate(body[i + 1]))
                {
                    return false;
                }

                i += 2;
                continue;
            }

            i++;
        }

        return true;
    }

    private static bool IsRenderedEscape(ReadOnlySpan<char> escape, out int length)
    {
        length = 2;
        if (escape.Length < 2)
        {
            return false;
        }

        switch (escape[1])
        {
            case '\\' or ':' or '(' or ')' or '[' or ']' or ',' or '<' or '>' or '0' or '.' or 'e' or '@':
                return true;
            case 'u':
                length = 6;
                return escape.Length >= 6
                    && ushort.TryParse(escape[2..6], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                    && char.IsSurrogate((char)code);
            case '^':
                while (length < escape.Length && char.IsAsciiDigit(escape[length]))
                {
                    length++;
                }

                return length > 2;
            default:
                return false;
        }
    }

    private static int TokenLength(ReadOnlySpan<char> body, int position)
    {
        var character = body[position];
        if (character == Escape && position + 1 < body.Length)
        {
            switch (body[position + 1])
            {
                case 'u':
                    return Math.Min(6, body.Length - position);
                case '^':
                    var end = position + 2;
                    while (end < body.Length && char.IsAsciiDigit(body[end]))
                    {
                        end++;
                    }

                    return end - position;
                default:
                    return 2;
            }
        }

        return char.IsHighSurrogate(character) && position + 1 < body.Length && char.IsLowSurrogate(body[position + 1]) ? 2 : 1;
    }

    private static void Append(StringBuilder builder, ReadOnlySpan<char> text, SearchValues<char> specials)
    {
        while (!text.IsEmpty)
        {
            var next = text.IndexOfAny(specials);
            if (next < 0)
            {
                builder.Append(text);
                return;
            }

            builder.Append(text[..next]);
            var character = text[next];
            if (char.IsHighSurrogate(character) && next + 1 < text.Length && char.IsLowSurrogate(text[next + 1]))
            {
                builder.Append(text.Slice(next, 2));
                text = text[(next + 2)..];
                continue;
            }

            if (char.IsSurrogate(character))
            {
                builder.Append(CultureInfo.InvariantCulture, $"{Escape}u{(int)character:X4}");
            }
            else
            {
                builder.Append(Escape).Append(character switch
                {
                    HashTagOpen => '<',
                    HashTagClose => '>',
                    _ => character,
                });
            }

            text = text[(next + 1)..];
        }
    }

    private static SearchValues<char> WithSurrogates(string specials)
    {
        var characters = new StringBuilder(specials);
        for (var c = '\uD800'; c <= '\uDFFF'; c++)
        {
            characters.Append(c);
        }

        return SearchValues.Create(characters.ToString());
    }
}
