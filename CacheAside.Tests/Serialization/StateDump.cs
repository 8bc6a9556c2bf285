using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace CacheAside.Tests.Serialization;

/// <summary>
/// A text of every field of a value, recursively, written independently of the library's comparer so the
/// property tests do not judge the guard by the guard's own eyes. Doubles in round-trip format, decimals with
/// their scale, dates with their kind or offset, strings code unit by code unit, objects with their runtime
/// type and sequences as their items.
/// </summary>
public static class StateDump
{
    public static string Of(object? value)
    {
        var text = new StringBuilder();
        Write(value, text, new HashSet<object>(ReferenceEqualityComparer.Instance));
        return text.ToString();
    }

    private static void Write(object? value, StringBuilder text, HashSet<object> seen)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case string s:
                text.Append('"');
                foreach (var c in s)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                }

                text.Append('"');
                return;
            case double d:
                text.Append(d.ToString("R", CultureInfo.InvariantCulture));
                return;
            case float f:
                text.Append(f.ToString("R", CultureInfo.InvariantCulture));
                return;
            case DateTime t:
                text.Append(CultureInfo.InvariantCulture, $"{t.Ticks}/{t.Kind}");
                return;
            case DateTimeOffset o:
                text.Append(CultureInfo.InvariantCulture, $"{o.Ticks}/{o.Offset}");
                return;
            case IFormattable formattable when value.GetType().IsPrimitive || value is decimal or Enum or Guid or TimeSpan:
                text.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                return;
        }

        var type = value.GetType();
        if (!type.IsValueType && !seen.Add(value))
        {
            text.Append("(seen)");
            return;
        }

        // A sequence is its items: through IReadOnlyList<T> an array and a list are the same value.
        if (value is IEnumerable items)
        {
            text.Append('[');
            foreach (var item in items)
            {
                Write(item, text, seen);
                text.Append(',');
            }

            text.Append(']');
            return;
        }

        text.Append(type.Name).Append('{');
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                text.Append(field.Name).Append('=');
                Write(field.GetValue(value), text, seen);
                text.Append(';');
            }
        }

        text.Append('}');
    }
}
