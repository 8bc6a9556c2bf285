using System.Linq.Expressions;
using System.Reflection;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// Compiles a direct call of an interface method on the proxy's target, for async reads that reach the
/// implementation only after awaiting Redis.
/// </summary>
/// <remarks>
/// Castle's <c>IInvocationProceedInfo.Invoke()</c> would do, but it writes the target's task into
/// <c>IInvocation.ReturnValue</c>. When Redis answers on another thread before the proxy has read the
/// interceptor's own task from that property, the caller would get the implementation's task and the
/// result would never be stored. Calling the target through this delegate leaves the property alone.
/// </remarks>
internal static class TargetInvoker
{
    public static Func<object, object?[], TResult> Compile<TResult>(MethodInfo method)
    {
        var target = Expression.Parameter(typeof(object), "target");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var parameters = method.GetParameters()
            .Select((p, i) => Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(target, method.DeclaringType!), method, parameters);
        return Expression.Lambda<Func<object, object?[], TResult>>(call, target, arguments).Compile();
    }
}
