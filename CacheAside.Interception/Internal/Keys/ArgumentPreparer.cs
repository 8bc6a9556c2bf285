using System.Collections;
using System.Reflection;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// Makes a call's arguments safe to render before the key is rendered and the implementation is called: an
/// argument declared <see cref="IEnumerable{T}"/> (or <see cref="IEnumerable"/>) that a key renders whole and
/// that is not a collection — a LINQ query, an iterator, a sequence that can be read once — is replaced by a
/// <see cref="List{T}"/> of its elements. The key and the implementation then see the same elements; without
/// it, rendering would read the sequence and the implementation would get it empty (or the key would be
/// rendered from something else than what the implementation reads).
/// </summary>
/// <remarks>
/// Built once per method with <see cref="For"/>; most methods need nothing, and get <see langword="null"/>.
/// The sequence is read to its end before the call, so an endless one never returns: such an argument cannot
/// be part of a key, mark it <see cref="CacheKeyIgnoreAttribute"/>. What the sequence throws while it is read
/// reaches the caller unchanged, as it would have reached it from the implementation.
/// </remarks>
internal sealed class ArgumentPreparer
{
    private static readonly MethodInfo s_materialize = typeof(ArgumentPreparer).GetMethod(nameof(Materialize), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly (int Index, Func<object, object?> Materialize)[] _steps;

    private ArgumentPreparer((int, Func<object, object?>)[] steps)
    {
        _steps = steps;
    }

    /// <summary>The preparation <paramref name="method"/>'s calls need before <paramref name="keys"/> render, or <see langword="null"/> when they need none.</summary>
    /// <param name="method">The method, closed (a generic definition needs nothing: its closed instantiations get their own).</param>
    /// <param name="keys">The keys the method renders.</param>
    public static ArgumentPreparer? For(MethodInfo method, IEnumerable<KeyRenderer> keys)
    {
        if (method.ContainsGenericParameters)
        {
            return null;
        }

        var parameters = method.GetParameters();
        var steps = keys.SelectMany(k => k.Parameters)
            .Distinct()
            .Order()
            .Select(i => (Index: i, Element: OneShotElement(parameters[i].ParameterType)))
            .Where(p => p.Element is not null)
            .Select(p => (p.Index, s_materialize.MakeGenericMethod(p.Element!).CreateDelegate<Func<object, object?>>()))
            .ToArray();
        return steps.Length == 0 ? null : new ArgumentPreparer(steps);
    }

    /// <summary>
    /// A materializer for values declared <paramref name="declared"/> — a bare sequence, which a list of its elements
    /// stands in for — or <see langword="null"/> for any other type: what an interpolated key needs to render a value of
    /// that static type as a parameter of that type renders it.
    /// </summary>
    public static Func<object, object?>? MaterializerFor(Type declared) =>
        OneShotElement(declared) is { } element ? s_materialize.MakeGenericMethod(element).CreateDelegate<Func<object, object?>>() : null;

    /// <summary>Replaces, in place, the arguments that could be read only once.</summary>
    public void Prepare(object?[] arguments)
    {
        foreach (var (index, materialize) in _steps)
        {
            if (arguments[index] is { } value && materialize(value) is { } list)
            {
                arguments[index] = list;
            }
        }
    }

    /// <summary>The element type of a parameter declared as a bare sequence, which a list can stand in for.</summary>
    private static Type? OneShotElement(Type declared)
    {
        if (declared == typeof(IEnumerable))
        {
            return typeof(object);
        }

        return declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? declared.GetGenericArguments()[0]
            : null;
    }

    private static List<T>? Materialize<T>(object value)
    {
        if (value is string || ValueRenderers.IsCollection(value.GetType()))
        {
            return null;
        }

        return value is IEnumerable<T> typed ? new List<T>(typed) : new List<T>(((IEnumerable)value).Cast<T>());
    }
}
