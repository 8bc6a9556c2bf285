using System.Collections.Frozen;
using System.Reflection;
using CacheAside.Interception.Internal.Plans;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Registration;

/// <summary>
/// The Castle interceptor in front of one registration: finds the call's plan and hands the call to it.
/// Methods without cache attributes go straight to the implementation.
/// </summary>
internal sealed class CacheAsideInterceptor : IInterceptor
{
    private readonly FrozenDictionary<MethodInfo, MethodPlan> _plans;

    public CacheAsideInterceptor(FrozenDictionary<MethodInfo, MethodPlan> plans)
    {
        _plans = plans;
    }

    public void Intercept(IInvocation invocation)
    {
        var method = invocation.Method;
        if (_plans.TryGetValue(method, out var plan)
            || (method.IsGenericMethod && _plans.TryGetValue(method.GetGenericMethodDefinition(), out plan)))
        {
            plan.Intercept(invocation);
            return;
        }

        invocation.Proceed();
    }
}
