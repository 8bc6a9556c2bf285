using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// The comparers of a set or a dictionary, which its elements do not carry, though what the collection answers depends on
/// them (<c>Contains("A")</c> of a set that ignores case): they follow the elements, <c>[[a,b],comparer]</c>. The
/// default comparer (none given) renders <c>\0</c>; the string comparers of .NET by name, <c>Ordinal</c>,
/// <c>OrdinalIgnoreCase</c>, or their culture and options, <c>de-DE/IgnoreCase</c> (their state holds handles that
/// differ from process to process); any other comparer as a value of its type, tagged and from its fields, so one that
/// holds a delegate (<c>EqualityComparer&lt;T&gt;.Create</c>) cannot be keyed and the call goes to the repository.
/// </summary>
internal static class ComparerRenderer
{
    private const string Ordinal = "Ordinal";
    private const string OrdinalIgnoreCase = "OrdinalIgnoreCase";
    private const char CultureOptionsSeparator = '/';

    private static readonly string[] s_names = ["Comparer", "KeyComparer", "ValueComparer"];
    private static readonly KeySlot s_any = new(typeof(object));
    private static readonly ConcurrentDictionary<Type, bool> s_defaults = new();

    /// <summary>
    /// Readers of the comparers a collection of <paramref name="type"/> exposes (<c>Comparer</c>, <c>KeyComparer</c>,
    /// <c>ValueComparer</c> of the framework's sets and dictionaries), by name; none for other collections.
    /// </summary>
    public static Func<object, object?>[] Of(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => s_names.Contains(p.Name) && p.GetIndexParameters().Length == 0 && p.GetMethod is not null
            && p.DeclaringType is { } declaring && ValueRenderers.IsFramework(declaring) && IsComparerType(p.PropertyType))
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .Select(Reader)
        .ToArray();

    public static void Write(KeyWriter writer, object? comparer)
    {
        if (comparer is null || IsDefault(comparer.GetType()))
        {
            writer.WriteNull();
            return;
        }

        if (comparer is StringComparer strings)
        {
            if (StringComparer.IsWellKnownOrdinalComparer(strings, out var ignoreCase))
            {
                writer.Builder.Append(ignoreCase ? OrdinalIgnoreCase : Ordinal);
                return;
            }

            if (StringComparer.IsWellKnownCultureAwareComparer(strings, out var compareInfo, out var options))
            {
                KeyText.AppendValue(writer.Builder, compareInfo.Name + CultureOptionsSeparator + options.ToString());
                return;
            }
        }

        s_any.Write(writer, comparer);
    }

    /// <summary>Tells whether comparers of <paramref name="type"/> are what <c>EqualityComparer&lt;T&gt;.Default</c> or <c>Comparer&lt;T&gt;.Default</c> is for a type they compare.</summary>
    private static bool IsDefault(Type type) => s_defaults.GetOrAdd(type, static t => t.GetInterfaces()
        .Where(IsGenericComparer)
        .Any(i =>
        {
            var holder = i.GetGenericTypeDefinition() == typeof(IEqualityComparer<>) ? typeof(EqualityComparer<>) : typeof(Comparer<>);
            var compared = i.GetGenericArguments()[0];
            return !compared.IsByRefLike && holder.MakeGenericType(compared).GetProperty("Default")!.GetValue(null)!.GetType() == t;
        }));

    /// <summary>Tells whether a property of <paramref name="type"/> holds a comparer: the type is, or implements, one of the comparer interfaces.</summary>
    private static bool IsComparerType(Type type) =>
        typeof(IEqualityComparer).IsAssignableFrom(type) || typeof(IComparer).IsAssignableFrom(type)
        || type.GetInterfaces().Append(type).Any(IsGenericComparer);

    private static bool IsGenericComparer(Type type) =>
        type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(IEqualityComparer<>) || type.GetGenericTypeDefinition() == typeof(IComparer<>));

    private static Func<object, object?> Reader(PropertyInfo property)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var read = Expression.Property(Expression.Convert(instance, property.DeclaringType!), property);
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(read, typeof(object)), instance).Compile();
    }
}
