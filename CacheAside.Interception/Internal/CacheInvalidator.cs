using CacheAside.Interception.Internal.Engine;

namespace CacheAside.Interception.Internal;

/// <summary>The explicit invalidation API: the engine's invalidation of one prefixed key, never throwing for Redis.</summary>
internal sealed class CacheInvalidator : ICacheInvalidator
{
    private const string Method = nameof(ICacheInvalidator);

    private readonly CacheEngine _engine;

    public CacheInvalidator(CacheEngine engine)
    {
        _engine = engine;
    }

    public bool Invalidate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var started = _engine.Telemetry.Start();
        return _engine.Invalidate(CacheOperation.Invalidate, Method, [_engine.Keys.Build(key)], started);
    }

    public bool Invalidate(CacheKeyInterpolatedStringHandler key) => Invalidate(key.ToKeyText());

    public async Task<bool> InvalidateAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var started = _engine.Telemetry.Start();
        return await _engine.InvalidateAsync(CacheOperation.Invalidate, Method, [_engine.Keys.Build(key)], started, sync: false).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> InvalidateAsync(CacheKeyInterpolatedStringHandler key, CancellationToken cancellationToken = default) =>
        InvalidateAsync(key.ToKeyText(), cancellationToken);
}
