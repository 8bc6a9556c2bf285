using System.Globalization;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// An enum member by name (<c>Red</c>, <c>Read\, Write</c> for flags), or its number in the invariant culture when it
/// has none: the text <see cref="Enum.Parse(Type, string)"/> reads back, so different values never share it.
/// </summary>
/// <typeparam name="T">The enum type.</typeparam>
internal sealed class EnumRenderer<T> : ValueRenderer<T>
    where T : struct, Enum
{
    private static readonly Type s_underlying = Enum.GetUnderlyingType(typeof(T));

    public override void WriteTyped(KeyWriter writer, T value)
    {
        Span<char> name = stackalloc char[128];
        Span<char> number = stackalloc char[32];
        if (Enum.TryFormat(value, name, out var nameLength) && StartsAsAName(name[..nameLength]))
        {
            // A member's name, the common case: formatted once.
            KeyText.AppendValue(writer.Builder, name[..nameLength]);
        }
        else if (nameLength > 0 && Enum.TryFormat(value, number, out var numberLength, "D"))
        {
            WriteNameOrNumber(writer, value, name[..nameLength], number[..numberLength]);
        }
        else
        {
            WriteNameOrNumber(writer, value, value.ToString(), value.ToString("D"));
        }
    }

    // Without a name, an enum formats its number in the current culture (its minus sign too): the text is then
    // the same as its "D" text, and the number is written again, invariantly.
    private static void WriteNameOrNumber(KeyWriter writer, T value, ReadOnlySpan<char> name, ReadOnlySpan<char> number)
    {
        if (StartsAsAName(name) || !name.SequenceEqual(number))
        {
            KeyText.AppendValue(writer.Builder, name);
        }
        else
        {
            KeyText.AppendValue(writer.Builder, Convert.ToString(Convert.ChangeType(value, s_underlying, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Whether <paramref name="text"/> starts as a member's name does (a letter or <c>_</c>), which no number does.</summary>
    private static bool StartsAsAName(ReadOnlySpan<char> text) => text.Length > 0 && (char.IsLetter(text[0]) || text[0] == '_');
}
