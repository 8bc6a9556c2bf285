using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Turns a one-shot sequence (an iterator, a LINQ query) returned through a sequence interface into a list,
/// once, on a miss: that list is both stored and returned. Otherwise storing would enumerate the query and
/// the caller would enumerate it again, running the source's work twice (or getting other items).
/// </summary>
internal static class ResultMaterializer
{
    private static readonly ConcurrentDictionary<Type, bool> s_stored = new();

    /// <summary>
    /// Gets the materializer for results declared as <typeparamref name="T"/>, or <see langword="null"/> when
    /// <typeparamref name="T"/> cannot hold a lazy sequence (it is not <see cref="IEnumerable{T}"/>,
    /// <see cref="IReadOnlyCollection{T}"/>, <see cref="IReadOnlyList{T}"/>, <see cref="ICollection{T}"/> or
    /// <see cref="IList{T}"/>). The materializer is thread-safe and returns a value that is already a
    /// collection unchanged; it allocates only the list it makes.
    /// </summary>
    public static Func<T, T>? For<T>() => Cache<T>.Materializer;

    private static Func<T, T>? Create<T>()
    {
        var type = typeof(T);
        if (!type.IsInterface || !type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition != typeof(IEnumerable<>) && definition != typeof(IReadOnlyCollection<>) && definition != typeof(IReadOnlyList<>)
            && definition != typeof(ICollection<>) && definition != typeof(IList<>))
        {
            return null;
        }

        var method = typeof(ResultMaterializer).GetMethod(nameof(Materialize), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type.GetGenericArguments()[0]);
        var materialize = method.CreateDelegate<Func<IEnumerable, IEnumerable>>();
        return value => value is null ? value : (T)materialize((IEnumerable)value);
    }

    private static IEnumerable Materialize<TItem>(IEnumerable value) =>
        IsStored(value) ? value : new List<TItem>((IEnumerable<TItem>)value);

    /// <summary>
    /// Whether <paramref name="value"/> holds its items (arrays, lists, sets, immutable collections) rather
    /// than computing them on each enumeration. LINQ's own iterators may implement collection interfaces
    /// while still running a selector per enumeration, so they count as lazy.
    /// </summary>
    private static bool IsStored(IEnumerable value) =>
        value is Array || s_stored.GetOrAdd(value.GetType(), static type =>
            type.Namespace != typeof(Enumerable).Namespace
            && (typeof(ICollection).IsAssignableFrom(type) || Implements(type, typeof(ICollection<>)) || Implements(type, typeof(IReadOnlyCollection<>))));

    private static bool Implements(Type type, Type definition) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    private static class Cache<T>
    {
        public static readonly Func<T, T>? Materializer = Create<T>();
    }
}
