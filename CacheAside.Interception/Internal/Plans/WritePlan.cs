using CacheAside.Interception.Internal.Engine;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>An invalidating write: the keys it names, rendered from its own arguments after it completed.</summary>
internal abstract class WritePlan : MethodPlan
{
    protected WritePlan(MethodSpec spec, CacheEngine engine)
        : base(spec, engine)
    {
    }

    /// <summary>Renders every key the method names; <see langword="false"/> when a property in one threw.</summary>
    public bool TryRenderKeys(object?[] arguments, out string[] keys)
    {
        keys = new string[Spec.Keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            if (!TryRenderKey(Spec.Keys[i], arguments, out keys[i]))
            {
                keys = [];
                return false;
            }
        }

        return true;
    }
}
