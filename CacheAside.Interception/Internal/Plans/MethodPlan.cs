using CacheAside.Interception.Internal.Keys;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>Executes intercepted calls of one method, as its <see cref="MethodSpec"/> says.</summary>
internal abstract class MethodPlan
{
    protected MethodPlan(MethodSpec spec, CacheAsideRuntime runtime)
    {
        Spec = spec;
        Runtime = runtime;
        Preparer = ArgumentPreparer.For(spec.Method, spec.Keys);
    }

    public MethodSpec Spec { get; }

    /// <summary>Gets what replaces one-shot sequence arguments before keys render and the implementation runs; <see langword="null"/> for most methods.</summary>
    protected ArgumentPreparer? Preparer { get; }

    protected CacheAsideRuntime Runtime { get; }

    /// <summary>Handles one call. Follows Castle's rules: the return value is set before any await.</summary>
    public abstract void Intercept(IInvocation invocation);
}
