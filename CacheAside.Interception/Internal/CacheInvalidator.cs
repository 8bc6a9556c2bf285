using CacheAside.Interception.Internal.Engine;

namespace CacheAside.Interception.Internal;

/// <summary>
/// The explicit invalidation API: the engine's invalidation (value deleted, lease voided) of the key the
/// interpolated string renders, never throwing for Redis.
/// </summary>
internal sealed class CacheInvalidator : ICacheInvalidator
{
    private const string Method = nameof(ICacheInvalidator);

    private readonly CacheEngine _engine;

    public CacheInvalidator(CacheEngine engine)
    {
        _engine = engine;
    }

    public bool Invalidate(CacheKeyInterpolatedStringHandler key)
    {
        var full = FullKey(key);
        return _engine.Invalidate(CacheOperation.Invalidate, Method, [full], _engine.Telemetry.Start());
    }

    public async Task<bool> InvalidateAsync(CacheKeyInterpolatedStringHandler key, CancellationToken cancellationToken = default)
    {
        var full = FullKey(key);
        var started = _engine.Telemetry.Start();
        return await _engine.InvalidateAsync(CacheOperation.Invalidate, Method, [full], started, sync: false).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private string FullKey(CacheKeyInterpolatedStringHandler key)
    {
        var body = key.ToKeyText();
        if (body.Length == 0)
        {
            throw new ArgumentException("The key is empty: name the entry as its read's template does, such as $\"product:{id}\".", nameof(key));
        }

        return _engine.Keys.Build(body);
    }
}
