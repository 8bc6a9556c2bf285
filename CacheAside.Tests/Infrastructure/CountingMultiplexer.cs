using Castle.DynamicProxy;
using StackExchange.Redis;

namespace CacheAside.Tests.Infrastructure;

/// <summary>
/// A real multiplexer behind a proxy that counts every command issued through the databases it hands out:
/// the plain way to see that a call cost Redis nothing.
/// </summary>
public sealed class CountingMultiplexer
{
    private static readonly ProxyGenerator s_generator = new();
    private int _commands;

    public CountingMultiplexer(IConnectionMultiplexer inner)
    {
        Inner = inner;
        Connection = s_generator.CreateInterfaceProxyWithTarget(inner, new MultiplexerInterceptor(this));
    }

    public IConnectionMultiplexer Inner { get; }

    /// <summary>Gets the multiplexer to register in the container.</summary>
    public IConnectionMultiplexer Connection { get; }

    /// <summary>Gets the number of commands issued so far.</summary>
    public int Commands => Volatile.Read(ref _commands);

    private sealed class MultiplexerInterceptor(CountingMultiplexer owner) : IInterceptor
    {
        public void Intercept(IInvocation invocation)
        {
            invocation.Proceed();
            if (invocation.Method.Name == nameof(IConnectionMultiplexer.GetDatabase) && invocation.ReturnValue is IDatabase database)
            {
                invocation.ReturnValue = s_generator.CreateInterfaceProxyWithTarget(database, new DatabaseInterceptor(owner));
            }
        }
    }

    private sealed class DatabaseInterceptor(CountingMultiplexer owner) : IInterceptor
    {
        public void Intercept(IInvocation invocation)
        {
            Interlocked.Increment(ref owner._commands);
            invocation.Proceed();
        }
    }
}
