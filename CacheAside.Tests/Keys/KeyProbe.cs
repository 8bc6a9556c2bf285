using System.Linq.Expressions;
using System.Reflection;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Interception.Internal.Plans;

namespace CacheAside.Tests.Keys;

/// <summary>Renders the key a call would get, from the same code the interceptor runs, without Redis.</summary>
public static class KeyProbe
{
    private static readonly CacheAsideOptions s_options = new();
    private static readonly PlanCatalog s_catalog = new(s_options);

    /// <summary>The key (prefix included) of the call in <paramref name="call"/>.</summary>
    public static string KeyOf(Expression<Action<IKeyProbe>> call, int maxKeyLength = 256)
    {
        var body = (MethodCallExpression)call.Body;
        var arguments = body.Arguments.Select(a => Expression.Lambda(Expression.Convert(a, typeof(object))).Compile().DynamicInvoke()).ToArray();
        return KeyOf(body.Method, arguments, maxKeyLength);
    }

    public static string KeyOf(MethodInfo method, object?[] arguments, int maxKeyLength = 256)
    {
        var problems = new List<string>();
        var spec = MethodSpecBuilder.Build(method.DeclaringType!, method, s_options, s_catalog.Json, problems)
            ?? throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        return new KeyBuilder(s_options.KeyPrefix, maxKeyLength).Build(spec.Keys[0], arguments);
    }
}
