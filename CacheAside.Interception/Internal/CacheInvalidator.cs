using CacheAside.Interception.Internal.Redis;

namespace CacheAside.Interception.Internal;

/// <summary>The explicit invalidation API: one <c>DEL</c> of the prefixed key, never throwing for Redis.</summary>
internal sealed class CacheInvalidator : ICacheInvalidator
{
    private const string Method = nameof(ICacheInvalidator);

    private readonly CacheAsideRuntime _runtime;

    public CacheInvalidator(CacheAsideRuntime runtime)
    {
        _runtime = runtime;
    }

    public bool Invalidate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var started = _runtime.Telemetry.Start();
        var full = _runtime.Keys.Build(key);
        return Completed(full, _runtime.Store.Delete([full]), started);
    }

    public bool Invalidate(CacheKeyInterpolatedStringHandler key) => Invalidate(key.ToKeyText());

    public async Task<bool> InvalidateAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var started = _runtime.Telemetry.Start();
        var full = _runtime.Keys.Build(key);
        var deleted = await _runtime.Store.DeleteAsync([full]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return Completed(full, deleted, started);
    }

    public Task<bool> InvalidateAsync(CacheKeyInterpolatedStringHandler key, CancellationToken cancellationToken = default) =>
        InvalidateAsync(key.ToKeyText(), cancellationToken);

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
