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
    public static string KeyOf(Expression<Action<IKeyProbe>> call, int maxKeyLength = 256) => KeyVia<IKeyProbe>(call, maxKeyLength);

    /// <summary>The key (prefix included) of the call in <paramref name="call"/>, made through <typeparamref name="TService"/>.</summary>
    public static string KeyVia<TService>(Expression<Action<TService>> call, int maxKeyLength = 256, string? prefix = null)
    {
        var body = (MethodCallExpression)call.Body;
        var arguments = body.Arguments.Select(a => Expression.Lambda(Expression.Convert(a, typeof(object))).Compile().DynamicInvoke()).ToArray();
        return KeyOf(body.Method, arguments, maxKeyLength, prefix);
    }

    /// <summary>The key of a call of <paramref name="method"/>, its arguments prepared as the plan prepares them.</summary>
    public static string KeyOf(MethodInfo method, object?[] arguments, int maxKeyLength = 256, string? prefix = null)
    {
        var renderer = Renderer(method);
        ArgumentPreparer.For(method, [renderer])?.Prepare(arguments);
        return new KeyBuilder(prefix ?? s_options.KeyPrefix, maxKeyLength).Build(renderer, arguments);
    }

    /// <summary>The key renderer the plan of <paramref name="method"/> would use; the build's problems when it has any.</summary>
    internal static KeyRenderer Renderer(MethodInfo method)
    {
        var problems = new List<string>();
        var spec = MethodSpecBuilder.Build(method.DeclaringType!, method, s_options, s_catalog.Json, problems)
            ?? throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        return spec.Keys[0];
    }

    /// <summary>The problems the build reports for <paramref name="method"/> (empty when it has none).</summary>
    public static IReadOnlyList<string> ProblemsOf(MethodInfo method)
    {
        var problems = new List<string>();
        MethodSpecBuilder.Build(method.DeclaringType!, method, s_options, s_catalog.Json, problems);
        return problems;
    }
}
