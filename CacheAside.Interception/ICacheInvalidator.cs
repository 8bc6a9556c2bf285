namespace CacheAside.Interception;

/// <summary>
/// Deletes cache entries for writes that do not pass through a method marked with
/// <see cref="InvalidatesAttribute"/>: a bulk import, a message from another service, a script.
/// Resolve it from the container.
/// </summary>
/// <remarks>
/// <para>
/// Name the entry as its read's template names it, without the prefix: <c>Invalidate($"product:{id}")</c> deletes
/// what <c>[Cached("product:{id}")]</c> stored for that <c>id</c>. The key is always an interpolated string, rendered
/// by the rules of templates: the literal parts as a template's literal text, each value as a template renders a
/// parameter of the value's type (invariant culture, escaped), constants too — <c>$"stock:{Region}:{sku}"</c> with a
/// <c>const string Region = "eu:west"</c> renders <c>stock:eu\:west:…</c>, as <c>[Cached("stock:{region}:{sku}")]</c> does.
/// A key that is only text is written the same way: <c>Invalidate($"product-count")</c>. There is deliberately no
/// overload that takes a <see cref="string"/>: a string would be used unescaped, and could name a key no read writes.
/// </para>
/// <para>
/// Write each value with the static type the read's parameter has: an <see cref="int"/> id as an <see cref="int"/>,
/// not boxed in an <see langword="object"/> (which renders with its type, as an <see langword="object"/> parameter does).
/// </para>
/// <para>
/// Like every cache operation, invalidation never throws because Redis failed, timed out or was skipped by
/// the open circuit breaker: it returns <see langword="false"/>, logs and counts the failure, and the old
/// entry lives until its time to live ends. With <see cref="CacheAsideOptions.ThrowOnRedisErrors"/> on, it
/// throws <see cref="CacheUnavailableException"/> instead.
/// </para>
/// </remarks>
public interface ICacheInvalidator
{
    /// <summary>Deletes the entry whose key the interpolated string renders (the prefix is added).</summary>
    /// <param name="key">An interpolated string such as <c>$"product:{id}"</c>, rendered as a key template is.</param>
    /// <returns><see langword="true"/> when Redis confirmed the delete (whether or not the entry existed); <see langword="false"/> when Redis failed.</returns>
    /// <exception cref="ArgumentException">A value cannot be part of a key (a delegate, a stream…), or the string renders an empty key.</exception>
    bool Invalidate(CacheKeyInterpolatedStringHandler key);

    /// <summary>Deletes the entry whose key the interpolated string renders (the prefix is added).</summary>
    /// <param name="key">An interpolated string such as <c>$"product:{id}"</c>, rendered as a key template is.</param>
    /// <param name="cancellationToken">Stops waiting for Redis; the delete may still happen.</param>
    /// <returns><see langword="true"/> when Redis confirmed the delete (whether or not the entry existed); <see langword="false"/> when Redis failed.</returns>
    /// <exception cref="ArgumentException">A value cannot be part of a key (a delegate, a stream…), or the string renders an empty key.</exception>
    Task<bool> InvalidateAsync(CacheKeyInterpolatedStringHandler key, CancellationToken cancellationToken = default);
}
