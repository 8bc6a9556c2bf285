using System.Reflection;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// The instance fields of a type, private ones and those of its base classes included: where the state of
/// a value lives, whatever its properties show. Names the compiler gives backing fields are mapped back to
/// the member a reader knows.
/// </summary>
internal static class InstanceFields
{
    private const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>Gets every instance field of <paramref name="type"/>, from the most derived class to <see cref="object"/>.</summary>
    public static IEnumerable<FieldInfo> Of(Type type)
    {
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(Declared))
            {
                yield return field;
            }
        }
    }

    /// <summary>
    /// Gets the name of the auto-property <paramref name="field"/> backs (<c>&lt;Name&gt;k__BackingField</c>),
    /// or <see langword="null"/> when it is not such a field.
    /// </summary>
    public static string? AutoPropertyOf(FieldInfo field) =>
        field.Name.StartsWith('<') && field.Name.EndsWith(">k__BackingField", StringComparison.Ordinal)
            ? field.Name[1..field.Name.IndexOf('>', StringComparison.Ordinal)]
            : null;

    /// <summary>Gets the backing field of an auto-property, or <see langword="null"/> when it has none (a computed property).</summary>
    public static FieldInfo? BackingFieldOf(PropertyInfo property) =>
        property.DeclaringType!.GetField($"<{property.Name}>k__BackingField", Declared);

    /// <summary>The name a person knows a field by: the property of a backing field, the parameter a primary constructor captured.</summary>
    public static string Display(FieldInfo field)
    {
        if (AutoPropertyOf(field) is { } property)
        {
            return property;
        }

        // A primary constructor's captured parameter is stored as <name>P.
        return field.Name.StartsWith('<') && field.Name.EndsWith(">P", StringComparison.Ordinal) ? field.Name[1..^2] : field.Name;
    }
}
