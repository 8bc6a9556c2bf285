using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Keys;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// Executes intercepted calls of one method as its <see cref="MethodSpec"/> says: everything reflection
/// can decide is decided when the plan is built, at container build; a call only runs it.
/// </summary>
internal abstract class MethodPlan
{
    protected MethodPlan(MethodSpec spec, CacheEngine engine)
    {
        Spec = spec;
        Engine = engine;
        Preparer = ArgumentPreparer.For(spec.Method, spec.Keys);
    }

    public MethodSpec Spec { get; }

    /// <summary>Gets what replaces one-shot sequence arguments before keys render and the implementation runs; <see langword="null"/> for most methods.</summary>
    protected ArgumentPreparer? Preparer { get; }

    protected CacheEngine Engine { get; }

    /// <summary>Handles one call. Follows Castle's rules: the return value is set before any await.</summary>
    public abstract void Intercept(IInvocation invocation);

    /// <summary>
    /// Whether <paramref name="arguments"/> still render <paramref name="key"/>: a load that ran after its
    /// caller was answered (an early refresh, a soft timeout) may find them changed by a caller who reused them.
    /// </summary>
    public bool StillRenders(string key, object?[] arguments) => TryRenderKey(Spec.Keys[0], arguments, out var now) && now == key;

    /// <summary>Renders the key of <paramref name="renderer"/>; <see langword="false"/> when a property in it threw (the call then goes on without the cache).</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A key the cache cannot render must not fail the call.")]
    protected bool TryRenderKey(KeyRenderer renderer, object?[] arguments, out string key)
    {
        try
        {
            key = Engine.Keys.Build(renderer, arguments);
            return true;
        }
        catch (Exception ex)
        {
            Engine.Telemetry.KeyFailed(Spec.Display, ex);
            key = string.Empty;
            return false;
        }
    }
}
