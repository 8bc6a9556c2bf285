namespace CacheAside.Interception;

/// <summary>
/// Deletes cache entries for writes that do not pass through a method marked with
/// <see cref="InvalidatesAttribute"/>: a bulk import, a message from another service, a script.
/// Resolve it from the container.
/// </summary>
/// <remarks>
/// <para>
/// Pass the key as a template would render it, without the prefix: <c>Invalidate($"product:{id}")</c>.
/// An interpolated string is rendered by the same rules as key templates (invariant culture, escaping), so
/// it names exactly the entry a read of <c>[Cached("product:{id}")]</c> stored. A plain string is used as it is.
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
    /// <summary>Deletes the entry stored under <paramref name="key"/> (the prefix is added).</summary>
    /// <param name="key">The key without the prefix, used as it is.</param>
    /// <returns><see langword="true"/> when Redis confirmed the delete (whether or not the entry existed); <see langword="false"/> when Redis failed.</returns>
    bool Invalidate(string key);

    /// <summary>Deletes the entry whose key the interpolated string renders (the prefix is added).</summary>
    /// <param name="key">An interpolated string such as <c>$"product:{id}"</c>; its values are formatted and escaped as in key templates.</param>
    /// <returns><see langword="true"/> when Redis confirmed the delete (whether or not the entry existed); <see langword="false"/> when Redis failed.</returns>
    bool Invalidate(CacheKeyInterpolatedStringHandler key);

    /// <summary>Deletes the entry stored under <paramref name="key"/> (the prefix is added).</summary>
    /// <param name="key">The key without the prefix, used as it is.</param>
    /// <param name="cancellationToken">Stops waiting for Redis; the delete may still happen.</param>
    /// <returns><see langword="true"/> when Redis confirmed the delete (whether or not the entry existed); <see langword="false"/> when Redis failed.</returns>
    Task<bool> InvalidateAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entry whose key the interpolated string renders (the prefix is added).</summary>
    /// <param name="key">An interpolated string such as <c>$"product:{id}"</c>; its values are formatted and escaped as in key templates.</param>
    /// <param name="cancellationToken">Stops waiting for Redis; the delete may still happen.</param>
    /// <returns><see langword="true"/> when Redis confirmed the delete (whether or not the entry existed); <see langword="false"/> when Redis failed.</returns>
    Task<bool> InvalidateAsync(CacheKeyInterpolatedStringHandler key, CancellationToken cancellationToken = default);
}
