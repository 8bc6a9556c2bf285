using CacheAside.Interception.Internal.Engine;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>An invalidating write: the keys it names, rendered from its own arguments after it completed.</summary>
internal abstract class WritePlan : MethodPlan
{
    protected WritePlan(MethodSpec spec, CacheEngine engine)
        : base(spec, engine)
    {
    }

    /// <summary>
    /// Renders every key the method names into <paramref name="keys"/>; <see langword="false"/> when a property in
    /// one threw. That key is left out, and the others are still rendered: each of them is still to be deleted.
    /// </summary>
    public bool TryRenderKeys(object?[] arguments, out string[] keys)
    {
        keys = new string[Spec.Keys.Length];
        var rendered = 0;
        foreach (var renderer in Spec.Keys)
        {
            if (TryRenderKey(renderer, arguments, out var key))
            {
                keys[rendered++] = key;
            }
        }

        if (rendered == keys.Length)
        {
            return true;
        }

        keys = keys[..rendered];
        return false;
    }
}
