using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text;
using CacheAside.Interception.Internal.Keys;

namespace CacheAside.Interception;

/// <summary>
/// Renders an interpolated string as a cache key exactly as a key template renders: the literal parts as a
/// template's literal text, each value as a template renders a parameter of the value's static type (invariant
/// culture, escaped, tagged with its type when that type is <see langword="object"/> or another that does not
/// fix the value's own; a sequence declared <see cref="System.Collections.Generic.IEnumerable{T}"/> that is not a
/// collection as the list of its elements, read once, as a parameter of that type is). Written by the compiler for
/// <c>$"…"</c> arguments of <see cref="ICacheInvalidator"/>, constant values included; not meant to be used directly.
/// </summary>
[InterpolatedStringHandler]
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CacheKeyInterpolatedStringHandler
{
    private readonly KeyWriter _writer;

    /// <summary>Starts a key.</summary>
    /// <param name="literalLength">The length of the literal parts.</param>
    /// <param name="formattedCount">The number of values.</param>
    public CacheKeyInterpolatedStringHandler(int literalLength, int formattedCount)
    {
        _writer = new KeyWriter(new StringBuilder(literalLength + (formattedCount * 11)));
    }

    /// <summary>Appends a literal part, escaped as a template's literal text.</summary>
    /// <param name="value">The literal text.</param>
    public readonly void AppendLiteral(string value) => KeyText.AppendLiteral(_writer.Builder, value);

    /// <summary>Appends a value, rendered as a template renders a parameter of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The value's static type.</typeparam>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The value cannot be part of a key (a delegate, a stream…).</exception>
    public readonly void AppendFormatted<T>(T value)
    {
        try
        {
            // A sequence that is not a collection (a query, an iterator) renders as the list a parameter of its static
            // type would have been given in its place, so the key is the one the method renders from it.
            if (Slot<T>.Materialize is { } materialize && value is not null && materialize(value) is { } list)
            {
                _writer.Write<object>(list, Slot<T>.Instance);
                return;
            }

            _writer.Write(value, Slot<T>.Instance);
        }
        catch (KeyRenderException ex)
        {
            throw new ArgumentException(ex.Message, nameof(value), ex);
        }
    }

    internal readonly string ToKeyText() => _writer?.Builder.ToString() ?? string.Empty;

    /// <summary>One slot per static type, shared by every interpolated key.</summary>
    private static class Slot<T>
    {
        public static readonly KeySlot Instance = new(typeof(T));

        /// <summary>Gets what a value of a bare sequence type is read into before it renders; <see langword="null"/> for other types.</summary>
        public static readonly Func<object, object?>? Materialize = ArgumentPreparer.MaterializerFor(typeof(T));
    }
}
