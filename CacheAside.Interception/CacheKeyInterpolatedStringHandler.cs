using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text;
using CacheAside.Interception.Internal.Keys;

namespace CacheAside.Interception;

/// <summary>
/// Renders an interpolated string as a cache key, formatting and escaping each value exactly as a key
/// template does. Written by the compiler for <c>$"…"</c> arguments of <see cref="ICacheInvalidator"/>;
/// not meant to be used directly.
/// </summary>
[InterpolatedStringHandler]
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CacheKeyInterpolatedStringHandler
{
    private readonly StringBuilder _builder;

    /// <summary>Starts a key.</summary>
    /// <param name="literalLength">The length of the literal parts.</param>
    /// <param name="formattedCount">The number of values.</param>
    public CacheKeyInterpolatedStringHandler(int literalLength, int formattedCount)
    {
        _builder = new StringBuilder(literalLength + (formattedCount * 11));
    }

    /// <summary>Appends a literal part as it is.</summary>
    /// <param name="value">The literal text.</param>
    public readonly void AppendLiteral(string value) => _builder.Append(value);

    /// <summary>Appends a value, formatted and escaped as in key templates.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    public readonly void AppendFormatted<T>(T value) => KeyValueFormatter.Append(_builder, value);

    internal readonly string ToKeyText() => _builder?.ToString() ?? string.Empty;
}
