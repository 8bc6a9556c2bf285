using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CacheAside.Interception.Internal.Keys;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Describes how a type looks in JSON (property names and types, recursively) and condenses that into a
/// fingerprint stored with every entry. An entry written by another shape of the type (before a deploy
/// added or renamed a property) then reads as a miss instead of silently losing fields.
/// </summary>
internal static class TypeShape
{
    /// <summary>Returns a 16-hex-digit fingerprint of <paramref name="type"/>'s JSON shape, adding a problem for each part that cannot be read back.</summary>
    public static string Fingerprint(Type type, JsonSerializerOptions options, List<string> problems)
    {
        var description = new StringBuilder();
        Describe(type, options, description, [], problems);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(description.ToString()));
        return Convert.ToHexStringLower(hash, 0, 8);
    }

    private static void Describe(Type type, JsonSerializerOptions options, StringBuilder description, HashSet<Type> visiting, List<string> problems)
    {
        description.Append(TypeNames.Canonical(type));
        if (!visiting.Add(type))
        {
            // A type that contains itself (a tree node): its name is enough, the shape is described above.
            return;
        }

        JsonTypeInfo info;
        try
        {
            info = options.GetTypeInfo(type);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            problems.Add($"its result type contains {TypeNames.Display(type)}, which System.Text.Json cannot store ({ex.Message}): return a type made of plain properties");
            visiting.Remove(type);
            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                if ((type.IsInterface || type.IsAbstract || type == typeof(object)) && info.PolymorphismOptions is null)
                {
                    problems.Add($"its result type contains {TypeNames.Display(type)}, which cannot be read back from JSON as the object that was stored: return a concrete type");
                    break;
                }

                description.Append('{');
                foreach (var property in info.Properties.OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    description.Append(property.Name).Append(':');
                    Describe(property.PropertyType, options, description, visiting, problems);
                    description.Append(';');
                }

                description.Append('}');
                break;
            case JsonTypeInfoKind.Enumerable:
                description.Append('[');
                Describe(info.ElementType!, options, description, visiting, problems);
                description.Append(']');
                break;
            case JsonTypeInfoKind.Dictionary:
                description.Append('{');
                Describe(info.KeyType!, options, description, visiting, problems);
                description.Append("=>");
                Describe(info.ElementType!, options, description, visiting, problems);
                description.Append('}');
                break;
            case JsonTypeInfoKind.None:
                if (type == typeof(object))
                {
                    problems.Add("its result type contains object, which is read back from JSON as a JsonElement rather than the value that was stored: return a concrete type");
                }

                break;
        }

        visiting.Remove(type);
    }
}
