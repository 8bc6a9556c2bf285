using Castle.DynamicProxy;

namespace CacheAside.Tests.Infrastructure;

/// <summary>An implementation of any interface whose methods return defaults, for tests that never call it.</summary>
public static class StandIn
{
    private static readonly ProxyGenerator s_generator = new();

    public static TService For<TService>()
        where TService : class =>
        s_generator.CreateInterfaceProxyWithoutTarget<TService>(new ReturnDefaults());

    private sealed class ReturnDefaults : IInterceptor
    {
        public void Intercept(IInvocation invocation)
        {
            var type = invocation.Method.ReturnType;
            invocation.ReturnValue = type.IsValueType && type != typeof(void) ? Activator.CreateInstance(type) : null;
        }
    }
}
