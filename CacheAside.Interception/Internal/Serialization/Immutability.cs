using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.ComponentModel;
using System.Numerics;
using System.Reflection;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Decides whether a result type is deeply immutable: nothing a caller can do to an instance (short of
/// reflection) changes what any later reader of that instance sees. Only then may two hits share the one
/// instance decoded from the same entry (<see cref="Entries.DecodedEntries{T}"/>).
/// </summary>
/// <remarks>
/// <para>
/// Proven from the type, never guessed: well-known immutable types (primitives, <see cref="string"/>,
/// <see cref="decimal"/>, the date and time structs, <see cref="Guid"/>, enums, the
/// <c>System.Collections.Immutable</c> collections of immutable elements); <see cref="Nullable{T}"/> of one;
/// a struct whose fields are all of such types (a struct is copied when returned, so its own fields may be
/// writable); a <em>sealed</em> class whose fields, its base classes' included, are all <see langword="readonly"/>
/// and of such types — a positional record, or a class of <c>init</c>-only auto-properties. A class that is
/// not sealed could be any derived type; arrays, interfaces and <see cref="object"/> could be anything mutable.
/// </para>
/// <para>
/// <see cref="ImmutableObjectAttribute"/> decides when present: <c>[ImmutableObject(true)]</c> on a sealed
/// class or a struct is taken at its word (its setters, if any, are the type's business), and
/// <c>[ImmutableObject(false)]</c> keeps instances apart whatever the fields say.
/// </para>
/// </remarks>
internal static class Immutability
{
    private const BindingFlags InstanceFieldsOnly = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static readonly HashSet<Type> s_leaves =
    [
        typeof(string), typeof(decimal), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(DateOnly),
        typeof(TimeOnly), typeof(Guid), typeof(Half), typeof(Int128), typeof(UInt128), typeof(BigInteger), typeof(Version),
    ];

    private static readonly HashSet<Type> s_collections =
    [
        typeof(ImmutableArray<>), typeof(ImmutableList<>), typeof(ImmutableHashSet<>), typeof(ImmutableSortedSet<>),
        typeof(ImmutableDictionary<,>), typeof(ImmutableSortedDictionary<,>), typeof(ImmutableQueue<>), typeof(ImmutableStack<>),
    ];

    private static readonly ConcurrentDictionary<Type, bool> s_known = new();

    /// <summary>Whether every instance of <paramref name="type"/> is deeply immutable.</summary>
    public static bool IsDeep(Type type) => s_known.GetOrAdd(type, static t => Check(t, []));

    private static bool Check(Type type, HashSet<Type> visiting)
    {
        if (type.IsPrimitive || type.IsEnum || s_leaves.Contains(type))
        {
            return true;
        }

        if (type.IsArray || type.IsInterface || type.IsPointer || type.IsByRef || type == typeof(object) || typeof(Delegate).IsAssignableFrom(type))
        {
            return false;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Check(underlying, visiting);
        }

        if (type.IsGenericType && s_collections.Contains(type.GetGenericTypeDefinition()))
        {
            return type.GetGenericArguments().All(argument => Check(argument, visiting));
        }

        // Not sealed: an instance may be of a derived type with state of its own.
        if (!type.IsValueType && !type.IsSealed)
        {
            return false;
        }

        if (type.GetCustomAttribute<ImmutableObjectAttribute>(inherit: false) is { } declared)
        {
            return declared.Immutable;
        }

        // A type that contains itself (a tree node) is as immutable as the rest of its fields.
        if (!visiting.Add(type))
        {
            return true;
        }

        try
        {
            for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
            {
                foreach (var field in current.GetFields(InstanceFieldsOnly))
                {
                    // A struct is copied on return, so a writable field of an immutable type changes only the copy.
                    if ((!type.IsValueType && !field.IsInitOnly) || !Check(field.FieldType, visiting))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
        finally
        {
            visiting.Remove(type);
        }
    }
}
