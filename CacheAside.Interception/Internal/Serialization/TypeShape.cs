using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CacheAside.Interception.Internal.Keys;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Describes how a type looks in the cache's JSON — its members (fields included) with their names, types
/// and how each is read back, recursively; every declared derived type with its discriminator; every enum's
/// members and values; the converters the user put in charge — and condenses that into a fingerprint stored
/// with every entry. An entry written by another shape of the type (before a deploy added a property to a
/// derived type, or renumbered an enum, say) then reads as a miss instead of coming back changed.
/// </summary>
internal static class TypeShape
{
    // Raised whenever the cache's contract changes how the same type is written, so entries of the old
    // contract are misses.
    private const string ContractVersion = "contract 2";

    /// <summary>Returns a 16-hex-digit fingerprint of <paramref name="type"/>'s shape under <paramref name="options"/> (the cache's contract).</summary>
    public static string Fingerprint(Type type, JsonSerializerOptions options)
    {
        var description = new StringBuilder(ContractVersion);
        description.Append(CultureInfo.InvariantCulture, $";numbers {options.NumberHandling};keys {Name(options.DictionaryKeyPolicy)};unmapped {options.UnmappedMemberHandling};nulls {options.RespectNullableAnnotations};");
        Describe(type, options, description, []);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(description.ToString()));
        return Convert.ToHexStringLower(hash, 0, 8);
    }

    private static void Describe(Type type, JsonSerializerOptions options, StringBuilder description, HashSet<Type> visiting)
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
            // FidelityCheck reports the type; its fingerprint only has to be stable.
            description.Append('!');
            visiting.Remove(type);
            return;
        }

        EnumDefinition(type, description);
        if (ConverterOf(type, options) is { } converter)
        {
            // The converter decides the JSON: a new version of it is a new shape as far as it can be told.
            description.Append(" by ").Append(TypeNames.Canonical(converter));
            visiting.Remove(type);
            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                Polymorphism(info.PolymorphismOptions, options, description, visiting);
                description.Append('{');
                foreach (var property in info.Properties.OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    description.Append(property.Name).Append(' ').Append(How(property)).Append(':');
                    if (property.CustomConverter is { } own && !CacheContract.IsOwn(own))
                    {
                        // The attribute names the converter asked for; a factory's product can be the same type for another JSON.
                        var asked = (property.AttributeProvider as MemberInfo)?.GetCustomAttribute<JsonConverterAttribute>();
                        description.Append("by ").Append(TypeNames.Canonical(asked?.ConverterType ?? own.GetType()));
                        EnumDefinition(property.PropertyType, description);
                    }
                    else
                    {
                        Describe(property.PropertyType, options, description, visiting);
                    }

                    description.Append(';');
                }

                description.Append('}');
                break;
            case JsonTypeInfoKind.Enumerable:
                description.Append('[');
                Describe(info.ElementType!, options, description, visiting);
                description.Append(']');
                break;
            case JsonTypeInfoKind.Dictionary:
                description.Append('{');
                Describe(info.KeyType!, options, description, visiting);
                description.Append("=>");
                Describe(info.ElementType!, options, description, visiting);
                description.Append('}');
                break;
        }

        visiting.Remove(type);
    }

    private static void Polymorphism(JsonPolymorphismOptions? polymorphism, JsonSerializerOptions options, StringBuilder description, HashSet<Type> visiting)
    {
        if (polymorphism is null)
        {
            return;
        }

        description.Append(CultureInfo.InvariantCulture, $"<{polymorphism.TypeDiscriminatorPropertyName} {polymorphism.UnknownDerivedTypeHandling} {polymorphism.IgnoreUnrecognizedTypeDiscriminators}");
        foreach (var derived in polymorphism.DerivedTypes)
        {
            // A number and a string discriminator differ: 1 and "1".
            var discriminator = derived.TypeDiscriminator switch
            {
                null => "-",
                string text => '"' + text + '"',
                var number => Convert.ToString(number, CultureInfo.InvariantCulture),
            };
            description.Append(' ').Append(discriminator).Append('=');
            Describe(derived.DerivedType, options, description, visiting);
        }

        description.Append('>');
    }

    /// <summary>
    /// The converter the user put in charge of <paramref name="type"/>, in System.Text.Json's order: one of
    /// their options' converters, else the type's <see cref="JsonConverterAttribute"/>.
    /// </summary>
    private static Type? ConverterOf(Type type, JsonSerializerOptions options)
    {
        if (options.Converters.FirstOrDefault(c => !CacheContract.IsOwn(c) && c.CanConvert(type)) is { } converter)
        {
            return converter.GetType();
        }

        return type.GetCustomAttribute<JsonConverterAttribute>() is { } attribute ? attribute.ConverterType ?? attribute.GetType() : null;
    }

    /// <summary>
    /// An enum's definition, which decoding depends on whatever converter writes it: each member's name, the
    /// name it is written as and its value (numbers are the default), its underlying type and whether it is flags.
    /// </summary>
    private static void EnumDefinition(Type type, StringBuilder description)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!type.IsEnum)
        {
            return;
        }

        description.Append('(').Append(Enum.GetUnderlyingType(type).Name);
        if (type.IsDefined(typeof(FlagsAttribute), inherit: false))
        {
            description.Append(" flags");
        }

        foreach (var member in type.GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            description.Append(' ').Append(member.Name);
            if (member.GetCustomAttribute<JsonStringEnumMemberNameAttribute>() is { } written)
            {
                description.Append(" \"").Append(written.Name).Append('"');
            }

            description.Append(CultureInfo.InvariantCulture, $"={member.GetRawConstantValue()}");
        }

        description.Append(')');
    }

    /// <summary>How a member is read back: a setter, a constructor parameter, filled in place; required or not.</summary>
    private static string How(JsonPropertyInfo property) =>
        (property.AssociatedParameter is not null ? "c" : property.Set is not null ? "s" : "-")
        + (property.ObjectCreationHandling == JsonObjectCreationHandling.Populate ? "p" : string.Empty)
        + (property.IsRequired ? "r" : string.Empty);

    private static string Name(object? policy) => policy is null ? "-" : TypeNames.Canonical(policy.GetType());
}
