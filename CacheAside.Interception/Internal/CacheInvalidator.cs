using CacheAside.Interception.Internal.Redis;

namespace CacheAside.Interception.Internal;

/// <summary>The explicit invalidation API: one <c>DEL</c> of the key the interpolated string renders, never throwing for Redis.</summary>
internal sealed class CacheInvalidator : ICacheInvalidator
{
    private const string Method = nameof(ICacheInvalidator);

    private readonly CacheAsideRuntime _runtime;

    public CacheInvalidator(CacheAsideRuntime runtime)
    {
        _runtime = runtime;
    }

    public bool Invalidate(CacheKeyInterpolatedStringHandler key)
    {
        var full = FullKey(key);
        var started = _runtime.Telemetry.Start();
        return Completed(full, _runtime.Store.Delete([full]), started);
    }

    public async Task<bool> InvalidateAsync(CacheKeyInterpolatedStringHandler key, CancellationToken cancellationToken = default)
    {
        var full = FullKey(key);
        var started = _runtime.Telemetry.Start();
        var deleted = await _runtime.Store.DeleteAsync([full]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return Completed(full, deleted, started);
    }

    private string FullKey(CacheKeyInterpolatedStringHandler key)
    {
        var body = key.ToKeyText();
        if (body.Length == 0)
        {
            throw new ArgumentException("The key is empty: name the entry as its read's template does, such as $\"product:{id}\".", nameof(key));
        }

        return _runtime.Keys.Build(body);
    }

    private bool Completed(string key, in WriteResult deleted, long started)
    {
        if (deleted.Succeeded)
        {
            _runtime.Telemetry.Completed(CacheOperation.Invalidate, Method, key, CacheOutcome.Invalidated, started, CacheEventDetails.None);
            return true;
        }

        _runtime.Telemetry.InvalidationFailed(Method, deleted.Error!, 1);
        var flags = deleted.Status == WriteStatus.Skipped ? CacheEventDetails.CircuitOpen : CacheEventDetails.None;
        _runtime.Telemetry.Completed(CacheOperation.Invalidate, Method, key, CacheOutcome.InvalidationFailed, started, flags);
        _runtime.ThrowIfRequested("del", Method, deleted.Error!);
        return false;
    }
}
