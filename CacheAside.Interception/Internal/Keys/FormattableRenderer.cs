using System.Globalization;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A framework value with a lossless invariant text: numbers (shortest round-trip text), <see cref="DateTime"/>
/// and <see cref="DateTimeOffset"/> as <c>O</c>, <see cref="TimeSpan"/> as <c>c</c>, <see cref="Guid"/> as <c>D</c>,
/// <see cref="Version"/>. Formatted into a stack buffer: no allocation for the usual sizes.
/// </summary>
/// <typeparam name="T">The type rendered.</typeparam>
internal sealed class FormattableRenderer<T> : ValueRenderer<T>
    where T : ISpanFormattable
{
    private readonly string? _format;

    public FormattableRenderer(string? format)
    {
        _format = format;
    }

    public override void WriteTyped(KeyWriter writer, T value) => KeyText.AppendFormatted(writer.Builder, value, _format);

    public override bool TryWriteBare(object value, Span<char> destination, out int written) =>
        ((T)value).TryFormat(destination, out written, _format, CultureInfo.InvariantCulture) && KeyText.IsBareValue(destination[..written]);
}
