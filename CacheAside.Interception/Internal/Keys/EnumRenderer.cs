namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// An enum member by name (<c>Red</c>, <c>Read\, Write</c> for flags), or its number when it has none: the text
/// <see cref="Enum.Parse(Type, string)"/> reads back, so different values never share it.
/// </summary>
/// <typeparam name="T">The enum type.</typeparam>
internal sealed class EnumRenderer<T> : ValueRenderer<T>
    where T : struct, Enum
{
    public override void WriteTyped(KeyWriter writer, T value)
    {
        Span<char> buffer = stackalloc char[128];
        if (Enum.TryFormat(value, buffer, out var written))
        {
            KeyText.AppendValue(writer.Builder, buffer[..written]);
        }
        else
        {
            KeyText.AppendValue(writer.Builder, value.ToString());
        }
    }
}
