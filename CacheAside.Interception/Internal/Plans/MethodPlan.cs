using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>Executes intercepted calls of one method, as its <see cref="MethodSpec"/> says.</summary>
internal abstract class MethodPlan
{
    protected MethodPlan(MethodSpec spec, CacheAsideRuntime runtime)
    {
        Spec = spec;
        Runtime = runtime;
    }

    public MethodSpec Spec { get; }

    protected CacheAsideRuntime Runtime { get; }

    /// <summary>Handles one call. Follows Castle's rules: the return value is set before any await.</summary>
    public abstract void Intercept(IInvocation invocation);
}
