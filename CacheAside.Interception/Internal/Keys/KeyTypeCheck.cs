namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// The build-time half of refusing values no key can stand for: looks through a declared type, its fields and
/// its elements (as far as their declared types reach) for a delegate, a stream, a task…, so such a
/// parameter fails the container build instead of bypassing the cache on every call. What only the run time
/// can see (an <see langword="object"/> field holding a delegate) is refused by the renderers then.
/// </summary>
internal static class KeyTypeCheck
{
    /// <summary>
    /// Says why values declared as <paramref name="declared"/> cannot be keyed, or returns <see langword="null"/>:
    /// "Func&lt;int&gt; is a delegate, …", or "query.Filter is a Func&lt;int&gt;, a delegate, …" for a field.
    /// </summary>
    /// <param name="declared">The declared type of the parameter or property.</param>
    /// <param name="name">How the message names the value, e.g. the parameter's name.</param>
    public static string? Problem(Type declared, string name)
    {
        var seen = new HashSet<Type>();
        return Walk(declared, name, top: true, seen);
    }

    private static string? Walk(Type declared, string path, bool top, HashSet<Type> seen)
    {
        if (declared.IsByRef)
        {
            declared = declared.GetElementType()!;
        }

        // A generic parameter is checked when the method or interface is closed over a real type.
        if (declared.ContainsGenericParameters || !seen.Add(declared))
        {
            return null;
        }

        if (ValueRenderers.Unkeyable(declared) is { } why)
        {
            return top
                ? $"{TypeNames.Display(declared)} is {why}"
                : $"{path} is a {TypeNames.Display(declared)}, {why}";
        }

        // Interfaces have no fields of their own; what implements them is seen when it is rendered.
        if (declared.IsInterface)
        {
            return null;
        }

        foreach (var (name, slot) in ValueRenderers.For(declared).Members)
        {
            var member = name.Length == 0 ? path : name == "[]" ? path + "[]" : path + "." + name;
            if (!slot.Declared.ContainsGenericParameters && slot.Renderer is UnkeyableRenderer unkeyable)
            {
                return $"{member} is a {TypeNames.Display(slot.Declared)}, {unkeyable.Why}";
            }

            if (Walk(slot.Declared, member, top: false, seen) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }
}
