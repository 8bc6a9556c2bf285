using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// Writes one argument value into a key. The rules make keys injective: the backslash escapes, a value
/// never contains an unescaped <c>:</c> (the separator templates must put between placeholders), and
/// <see langword="null"/> is written as <c>\0</c>, which no value can produce.
/// </summary>
internal static class KeyValueFormatter
{
    internal const char Separator = ':';
    internal const char Escape = '\\';
    internal const string NullToken = "\\0";

    // Values without a culture-free text of their own are written as JSON: invariant, deterministic for a type.
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.General);

    public static void Append<T>(StringBuilder builder, T value) => Append(builder, (object?)value);

    public static void Append(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append(NullToken);
                break;
            case string text:
                AppendEscaped(builder, text);
                break;
            case bool flag:
                builder.Append(flag ? "true" : "false");
                break;
            case char character:
                AppendEscaped(builder, character);
                break;
            case decimal number:
                // 1.5m and 1.50m are equal, so they must share a key: drop the trailing zeros of the scale.
                builder.Append((number / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture));
                break;
            case DateTime dateTime:
                AppendEscaped(builder, dateTime.ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset dateTimeOffset:
                AppendEscaped(builder, dateTimeOffset.ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateOnly date:
                builder.Append(date.ToString("O", CultureInfo.InvariantCulture));
                break;
            case TimeOnly time:
                AppendEscaped(builder, time.ToString("O", CultureInfo.InvariantCulture));
                break;
            case TimeSpan span:
                AppendEscaped(builder, span.ToString("c", CultureInfo.InvariantCulture));
                break;
            case Enum member:
                AppendEscaped(builder, member.ToString());
                break;
            case Type type:
                AppendEscaped(builder, TypeNames.Canonical(type));
                break;
            case IFormattable formattable:
                // Numbers (shortest round-trip text), Guid ("D") and the user's own formattable types.
                AppendEscaped(builder, formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                AppendEscaped(builder, JsonSerializer.Serialize(value, value.GetType(), s_json));
                break;
        }
    }

    /// <summary>
    /// Tells whether values of <paramref name="type"/> can be told apart in a key; when not, says why.
    /// A type whose values all render alike (an object without public properties, say) would make every
    /// call share one key.
    /// </summary>
    public static bool CanFormat(Type type, out string? reason)
    {
        reason = null;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal)
            || typeof(IFormattable).IsAssignableFrom(underlying) || typeof(Type).IsAssignableFrom(underlying)
            || typeof(System.Collections.IEnumerable).IsAssignableFrom(underlying))
        {
            return true;
        }

        // The value's own type decides at run time; nothing can be checked now.
        if (underlying == typeof(object) || underlying.IsInterface || underlying.IsAbstract || underlying.IsGenericParameter)
        {
            return true;
        }

        var readable = underlying.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Any(p => p.CanRead && p.GetIndexParameters().Length == 0);
        if (!readable)
        {
            reason = $"values of {TypeNames.Display(underlying)} have no public properties, so they all render alike and every call would share one key";
            return false;
        }

        return true;
    }

    public static void AppendEscaped(StringBuilder builder, string text)
    {
        foreach (var character in text)
        {
            AppendEscaped(builder, character);
        }
    }

    private static void AppendEscaped(StringBuilder builder, char character)
    {
        if (character is Escape or Separator)
        {
            builder.Append(Escape);
        }

        builder.Append(character);
    }
}
