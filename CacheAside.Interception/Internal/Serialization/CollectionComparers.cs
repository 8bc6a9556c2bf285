using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// The comparers a collection keeps beside its items — a dictionary's or set's key comparer, a sorted
/// collection's order, an immutable dictionary's value comparer — which JSON does not write: a collection
/// read back from its items has the default ones. Whether a type can keep one is told at container build;
/// which ones a value keeps, after a miss.
/// </summary>
/// <remarks>
/// A comparer is read from the collection's public property of type <see cref="IEqualityComparer{T}"/> or
/// <see cref="IComparer{T}"/> (<c>Comparer</c>, <c>KeyComparer</c>, <c>ValueComparer</c>), or, for a
/// wrapper such as <see cref="System.Collections.ObjectModel.ReadOnlyDictionary{TKey, TValue}"/>, from the
/// dictionary or set it wraps. The comparers decoding gives count as none:
/// <see cref="EqualityComparer{T}.Default"/>, <see cref="Comparer{T}.Default"/>, and
/// <see cref="StringComparer.Ordinal"/> as a key equality, which is what <see cref="EqualityComparer{T}.Default"/>
/// does for strings.
/// </remarks>
internal static class CollectionComparers
{
    private static readonly HashSet<Type> s_keyed =
        [typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>), typeof(ISet<>), typeof(IReadOnlySet<>), typeof(IImmutableSet<>)];

    private static readonly ConcurrentDictionary<Type, Layout> s_layouts = new();

    /// <summary>What a comparer decides for its collection; a collection keeps at most one of each.</summary>
    public enum Role
    {
        KeyEquality,
        KeyOrder,
        ValueEquality,
    }

    /// <summary>Gets every role, in the order values are compared.</summary>
    public static IReadOnlyList<Role> Roles { get; } = [Role.KeyEquality, Role.KeyOrder, Role.ValueEquality];

    /// <summary>Whether a value declared as <paramref name="type"/> can keep a comparer other than the one decoding gives it.</summary>
    public static bool CanKeep(Type type) => type.IsInterface ? IsKeyed(type) : LayoutOf(type).Keeps;

    /// <summary>
    /// Gets the comparer <paramref name="collection"/> keeps in <paramref name="role"/>, or <see langword="null"/>
    /// when it keeps the one decoding gives or none it shows; <paramref name="member"/> names the property it is
    /// read from.
    /// </summary>
    public static object? Of(object collection, Role role, out string member)
    {
        var layout = LayoutOf(collection.GetType());
        member = layout.Members[(int)role];
        if (layout.Wrapped is { } wrapped)
        {
            return wrapped(collection) is { } inner ? Of(inner, role, out member) : null;
        }

        if (layout.Getters[(int)role] is not { } getter || getter(collection) is not { } comparer)
        {
            return null;
        }

        var decoded = layout.Defaults[(int)role]!.Equals(comparer) || (role == Role.KeyEquality && StringComparer.Ordinal.Equals(comparer));
        return decoded ? null : comparer;
    }

    private static Layout LayoutOf(Type type) => s_layouts.GetOrAdd(type, static t => Layout.Of(t));

    /// <summary>Whether <paramref name="type"/> is or implements a dictionary or set interface: lookups in it go through a comparer.</summary>
    private static bool IsKeyed(Type type) =>
        type.GetInterfaces().Append(type).Any(i => i.IsGenericType && s_keyed.Contains(i.GetGenericTypeDefinition()));

    /// <summary>Where the comparers of one collection type are, and the defaults each role's comparer is compared with.</summary>
    private sealed class Layout
    {
        private static readonly string[] s_names = ["Comparer", "Comparer", "ValueComparer"];

        public Func<object, object?>?[] Getters { get; } = new Func<object, object?>?[Roles.Count];

        public string[] Members { get; } = (string[])s_names.Clone();

        public object?[] Defaults { get; } = new object?[Roles.Count];

        /// <summary>Gets the dictionary or set a wrapper keeps its items in, when it shows no comparer of its own.</summary>
        public Func<object, object?>? Wrapped { get; private init; }

        public bool Keeps => Wrapped is not null || Getters.Any(g => g is not null);

        public static Layout Of(Type type)
        {
            var layout = new Layout();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var comparer = property.PropertyType;
                var definition = comparer.IsGenericType ? comparer.GetGenericTypeDefinition() : null;
                var ordering = definition == typeof(IComparer<>);
                if (property.GetIndexParameters().Length > 0 || (!ordering && definition != typeof(IEqualityComparer<>)))
                {
                    continue;
                }

                var role = property.Name.StartsWith("Value", StringComparison.Ordinal) ? Role.ValueEquality : ordering ? Role.KeyOrder : Role.KeyEquality;
                if (layout.Getters[(int)role] is not null)
                {
                    continue;
                }

                var defaults = (ordering ? typeof(Comparer<>) : typeof(EqualityComparer<>)).MakeGenericType(comparer.GetGenericArguments());
                layout.Getters[(int)role] = MemberAccess.Getter(property);
                layout.Members[(int)role] = property.Name;
                layout.Defaults[(int)role] = defaults.GetProperty("Default")!.GetValue(null);
            }

            if (layout.Keeps)
            {
                return layout;
            }

            var wrapped = InstanceFields.Of(type).FirstOrDefault(f => IsKeyed(f.FieldType));
            return wrapped is null ? layout : new Layout { Wrapped = MemberAccess.Getter(wrapped) };
        }
    }
}
