namespace CacheAside.Interception;

/// <summary>
/// Leaves a parameter out of the default key of a <see cref="CachedAttribute"/> method (one without a key
/// template). Use it for a parameter the result does not depend on — a logger, a callback that only reports
/// progress, an options object that changes how the call is made but not what it returns — and for one that
/// no key can stand for (a delegate, an expression, a stream), which the container build otherwise refuses.
/// </summary>
/// <remarks>
/// Calls that differ only in ignored arguments share one entry, so the first call's result is returned to
/// all of them: ignore a parameter only when that is right. A key template that names an ignored parameter
/// is refused when the container is built. <see cref="CancellationToken"/> parameters are never part of a
/// key and need no attribute.
/// </remarks>
/// <example>
/// <code>
/// [Cached]
/// Task&lt;Report&gt; BuildAsync(int year, [CacheKeyIgnore] IProgress&lt;int&gt; progress);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class CacheKeyIgnoreAttribute : Attribute
{
}
