using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// Decides, once per type, how its values are rendered into keys, and keeps the renderer. The kinds, in the
/// order they are tried:
/// <list type="number">
/// <item>framework values with a lossless invariant text (strings, numbers, dates, <see cref="Guid"/>, enums, <see cref="Type"/>, <see cref="Uri"/>, <see cref="Version"/>…);</item>
/// <item>types no key can stand for (delegates, expressions, streams, tasks, async streams, queries, handles): refused;</item>
/// <item>arrays and collections, element by element, with what their elements do not carry (a <see cref="NameValueCollection"/> by its names and all their values);</item>
/// <item>everything else, from all of its instance fields.</item>
/// </list>
/// </summary>
internal static class ValueRenderers
{
    private const string ProcessLocal = "process-local state (a handle, a thread or a reflection object), which means nothing in another process";

    private static readonly ConcurrentDictionary<Type, ValueRenderer> s_renderers = new();
    private static readonly TypeRenderer s_type = new();

    private static readonly Dictionary<Type, ValueRenderer> s_leaves = new()
    {
        [typeof(string)] = new StringRenderer(),
        [typeof(bool)] = new BooleanRenderer(),
        [typeof(char)] = new CharRenderer(),
        [typeof(decimal)] = new DecimalRenderer(),
        [typeof(byte)] = new FormattableRenderer<byte>(null),
        [typeof(sbyte)] = new FormattableRenderer<sbyte>(null),
        [typeof(short)] = new FormattableRenderer<short>(null),
        [typeof(ushort)] = new FormattableRenderer<ushort>(null),
        [typeof(int)] = new FormattableRenderer<int>(null),
        [typeof(uint)] = new FormattableRenderer<uint>(null),
        [typeof(long)] = new FormattableRenderer<long>(null),
        [typeof(ulong)] = new FormattableRenderer<ulong>(null),
        [typeof(nint)] = new FormattableRenderer<nint>(null),
        [typeof(nuint)] = new FormattableRenderer<nuint>(null),
        [typeof(Int128)] = new FormattableRenderer<Int128>(null),
        [typeof(UInt128)] = new FormattableRenderer<UInt128>(null),
        [typeof(BigInteger)] = new FormattableRenderer<BigInteger>(null),

        // Since .NET Core 3.0 the default text of floating-point numbers is the shortest that round-trips.
        [typeof(Half)] = new FormattableRenderer<Half>(null),
        [typeof(float)] = new FormattableRenderer<float>(null),
        [typeof(double)] = new FormattableRenderer<double>(null),
        [typeof(DateTime)] = new FormattableRenderer<DateTime>("O"),
        [typeof(DateTimeOffset)] = new FormattableRenderer<DateTimeOffset>("O"),
        [typeof(DateOnly)] = new FormattableRenderer<DateOnly>("O"),
        [typeof(TimeOnly)] = new FormattableRenderer<TimeOnly>("O"),
        [typeof(TimeSpan)] = new FormattableRenderer<TimeSpan>("c"),
        [typeof(Guid)] = new FormattableRenderer<Guid>("D"),
        [typeof(Version)] = new FormattableRenderer<Version>(null),
        [typeof(Uri)] = new UriRenderer(),
    };

    // Public key tokens of the assemblies Microsoft ships: their collections keep their state in what they enumerate,
    // but for the few that StateFields.BesideElements and NameValueEntries read more of.
    private static readonly HashSet<string> s_frameworkTokens = new(StringComparer.OrdinalIgnoreCase)
    {
        "b77a5c561934e089", "7cec85d7bea7798e", "b03f5f7f11d50a3a", "31bf3856ad364e35", "cc7b13ffcd2ddd51", "adb9793829ddae60",
    };

    private static readonly ConcurrentDictionary<Assembly, bool> s_framework = new();
    private static readonly ConcurrentDictionary<Type, bool> s_collections = new();

    /// <summary>The renderer of values of exactly <paramref name="type"/> (a closed type).</summary>
    public static ValueRenderer For(Type type) => s_renderers.GetOrAdd(type, Create);

    /// <summary>Tells whether <paramref name="type"/> ships with .NET (its assembly carries a Microsoft public key).</summary>
    public static bool IsFramework(Type type) => s_framework.GetOrAdd(type.Assembly, static assembly =>
    {
        var token = assembly.GetName().GetPublicKeyToken();
        return token is { Length: > 0 } && s_frameworkTokens.Contains(Convert.ToHexString(token));
    });

    /// <summary>
    /// What makes values of <paramref name="type"/> (or of every type derived from it) impossible to key, or
    /// <see langword="null"/>: "a delegate, whose …". Also answers for interfaces and abstract types, which
    /// are never rendered themselves but can be refused when declared.
    /// </summary>
    public static string? Unkeyable(Type type)
    {
        if (type.IsPointer || type.IsFunctionPointer || type.IsUnmanagedFunctionPointer)
        {
            return "a pointer, whose target a key cannot read";
        }

        if (type.IsByRefLike)
        {
            return "a ref struct, which cannot be boxed into a call's arguments";
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return "a delegate, whose code and captured variables a key cannot compare";
        }

        if (typeof(System.Linq.Expressions.Expression).IsAssignableFrom(type))
        {
            return "an expression tree, whose code and captured values a key cannot compare";
        }

        if (typeof(Stream).IsAssignableFrom(type) || typeof(TextReader).IsAssignableFrom(type) || typeof(TextWriter).IsAssignableFrom(type))
        {
            return "a stream, which a key could only read by consuming it";
        }

        if (typeof(Task).IsAssignableFrom(type) || type == typeof(ValueTask) || IsConstructedFrom(type, typeof(ValueTask<>)))
        {
            return "a task, whose result is not known when the key is made";
        }

        if (Implements(type, typeof(IAsyncEnumerable<>)) || Implements(type, typeof(IAsyncEnumerator<>)))
        {
            return "an asynchronous sequence, which a key could only read by consuming it";
        }

        if (typeof(IQueryable).IsAssignableFrom(type))
        {
            return "a query, which a key could only read by running it";
        }

        if (typeof(NameObjectCollectionBase).IsAssignableFrom(type) && !typeof(NameValueCollection).IsAssignableFrom(type))
        {
            return "a NameObjectCollectionBase other than a NameValueCollection, whose values a key cannot read (it enumerates only their names)";
        }

        if (type == typeof(CancellationToken) || type == typeof(CancellationTokenSource))
        {
            return "a cancellation token, which is never part of a key";
        }

        if ((typeof(MemberInfo).IsAssignableFrom(type) && !typeof(Type).IsAssignableFrom(type))
            || typeof(ParameterInfo).IsAssignableFrom(type) || typeof(Assembly).IsAssignableFrom(type) || typeof(Module).IsAssignableFrom(type)
            || type == typeof(RuntimeTypeHandle) || type == typeof(RuntimeMethodHandle) || type == typeof(RuntimeFieldHandle)
            || type == typeof(GCHandle) || typeof(SafeHandle).IsAssignableFrom(type) || typeof(WaitHandle).IsAssignableFrom(type)
            || typeof(Thread).IsAssignableFrom(type) || type == typeof(WeakReference) || IsConstructedFrom(type, typeof(WeakReference<>))
            || type == typeof(Pointer))
        {
            return ProcessLocal;
        }

        if (type.IsValueType && type.GetCustomAttribute<InlineArrayAttribute>() is not null)
        {
            return "an inline array, whose elements a key cannot read one by one";
        }

        return null;
    }

    /// <summary>
    /// What keeps the values of <paramref name="type"/> from standing for what tells them apart in every process, or
    /// <see langword="null"/>: a value whose equality is its state (a framework value, an enum, a struct, a record or any
    /// class that overrides <see cref="object.Equals(object)"/>) renders as that state, so two values render alike only
    /// when they are equal; instances of a class told apart by reference would all render as their common fields.
    /// </summary>
    public static string? NotAnIdentity(Type type)
    {
        if (Unkeyable(type) is { } why)
        {
            return why;
        }

        if (s_leaves.ContainsKey(type) || typeof(Type).IsAssignableFrom(type) || type.IsValueType)
        {
            return null;
        }

        return type.GetMethod(nameof(Equals), [typeof(object)])?.DeclaringType == typeof(object)
            ? "a class whose instances are told apart by reference, which means nothing in another process"
            : null;
    }

    private static ValueRenderer Create(Type type)
    {
        if (type.ContainsGenericParameters || type.IsByRef)
        {
            throw new ArgumentException($"{TypeNames.Display(type)} is not a type values can have.", nameof(type));
        }

        if (s_leaves.TryGetValue(type, out var leaf))
        {
            return leaf;
        }

        if (typeof(Type).IsAssignableFrom(type))
        {
            return s_type;
        }

        if (Unkeyable(type) is { } why)
        {
            return new UnkeyableRenderer(type, why);
        }

        if (type.IsEnum)
        {
            return Instantiate(typeof(EnumRenderer<>), type);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Instantiate(typeof(NullableRenderer<>), underlying);
        }

        if (type.IsSZArray)
        {
            return Instantiate(typeof(ArrayRenderer<>), type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return new MultiDimensionalArrayRenderer(type);
        }

        if (typeof(NameValueCollection).IsAssignableFrom(type))
        {
            return new CollectionRenderer<KeyValuePair<string?, string[]?>>(type, NameValueEntries);
        }

        if (IsCollection(type))
        {
            return Instantiate(typeof(CollectionRenderer<>), ElementType(type), type);
        }

        return Instantiate(typeof(ObjectRenderer<>), type);
    }

    /// <summary>Each name of a <see cref="NameValueCollection"/> (which enumerates only its names) with all its values, in order.</summary>
    private static IEnumerable<KeyValuePair<string?, string[]?>> NameValueEntries(object value)
    {
        var collection = (NameValueCollection)value;
        for (var i = 0; i < collection.Count; i++)
        {
            yield return new(collection.GetKey(i), collection.GetValues(i));
        }
    }

    /// <summary>
    /// A collection enumerates its own contents and can be enumerated again; any other sequence (a LINQ query,
    /// an iterator) is rendered from its fields instead, because enumerating it could consume it.
    /// </summary>
    internal static bool IsCollection(Type type) => s_collections.GetOrAdd(type, static t =>
        typeof(ICollection).IsAssignableFrom(t) || Implements(t, typeof(ICollection<>)) || Implements(t, typeof(IReadOnlyCollection<>)));

    /// <summary>
    /// A collection whose enumeration order is no part of its value, so the order it shows first depends on the order it
    /// was filled in, on the threads that filled it, on hash codes, or on a comparer that may depend on the culture:
    /// <list type="bullet">
    /// <item>a set or a dictionary that is no list (a type that is also a list, <c>OrderedDictionary&lt;TKey, TValue&gt;</c> or
    /// an immutable sorted set, keeps its order, which it promises);</item>
    /// <item>a bag (<see cref="ConcurrentBag{T}"/>), which enumerates the list of each thread that added to it in turn;</item>
    /// <item>the keys and values of such a dictionary that ships with .NET (<c>Dictionary&lt;TKey, TValue&gt;.Keys</c>,
    /// <c>Hashtable.Values</c>), which enumerate in the dictionary's order.</item>
    /// </list>
    /// Queues and stacks (<see cref="ConcurrentQueue{T}"/>, <see cref="ConcurrentStack{T}"/>) keep the order they were filled in.
    /// </summary>
    internal static bool IsUnordered(Type type) =>
        (IsSetOrDictionary(type) && !IsList(type))
        || IsDerivedFrom(type, typeof(ConcurrentBag<>))
        || (type.IsNested && type.Name is "KeyCollection" or "ValueCollection" && IsFramework(type) && !IsList(type) && IsUnordered(type.DeclaringType!));

    private static bool IsSetOrDictionary(Type type) =>
        Implements(type, typeof(ISet<>)) || Implements(type, typeof(IReadOnlySet<>))
        || Implements(type, typeof(IDictionary<,>)) || Implements(type, typeof(IReadOnlyDictionary<,>)) || typeof(IDictionary).IsAssignableFrom(type);

    private static bool IsList(Type type) =>
        typeof(IList).IsAssignableFrom(type) || Implements(type, typeof(IList<>)) || Implements(type, typeof(IReadOnlyList<>))
        || typeof(IOrderedDictionary).IsAssignableFrom(type);

    private static bool IsDerivedFrom(Type type, Type definition)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (IsConstructedFrom(t, definition))
            {
                return true;
            }
        }

        return false;
    }

    private static Type ElementType(Type type)
    {
        var sequences = type.GetInterfaces().Append(type)
            .Where(i => i.IsInterface && IsConstructedFrom(i, typeof(IEnumerable<>)))
            .Distinct()
            .ToList();
        return sequences.Count == 1 ? sequences[0].GetGenericArguments()[0] : typeof(object);
    }

    private static bool Implements(Type type, Type genericInterface) =>
        IsConstructedFrom(type, genericInterface) || type.GetInterfaces().Any(i => IsConstructedFrom(i, genericInterface));

    private static bool IsConstructedFrom(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition;

    private static ValueRenderer Instantiate(Type renderer, Type argument, params object[] arguments) =>
        (ValueRenderer)Activator.CreateInstance(renderer.MakeGenericType(argument), arguments)!;
}
