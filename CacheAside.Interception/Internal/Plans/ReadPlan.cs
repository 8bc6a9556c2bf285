using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using CacheAside.Interception.Internal.Diagnostics;
using CacheAside.Interception.Internal.Redis;
using CacheAside.Interception.Internal.Serialization;
using Castle.DynamicProxy;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// The cache-aside read: GET; on a hit return the stored value without calling the implementation; on a
/// miss call it, store its result with <c>SET key value PX ttl</c> and return it. The shapes (<c>T</c>,
/// <see cref="Task{TResult}"/>, <see cref="ValueTask{TResult}"/>) differ only in how they wait.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
internal abstract class ReadPlan<T> : MethodPlan
{
    private static readonly Func<T, T>? s_materialize = ResultMaterializer.For<T>();

    private readonly PayloadCodec<T> _codec;

    protected ReadPlan(MethodSpec spec, CacheAsideRuntime runtime, JsonSerializerOptions json)
        : base(spec, runtime)
    {
        _codec = new PayloadCodec<T>(json, spec.Fingerprint);
    }

    /// <summary>Renders the call's key; <see langword="null"/> when a property in the key threw (the call then bypasses the cache).</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A key the cache cannot render must not fail the call.")]
    protected string? RenderKey(IInvocation invocation)
    {
        try
        {
            return Runtime.Keys.Build(Spec.Keys[0], invocation.Arguments);
        }
        catch (Exception ex)
        {
            Log.KeyFailed(Runtime.Telemetry.Logger, Spec.Display, ex);
            return null;
        }
    }

    /// <summary>Decides whether a GET answered the call; reports unusable entries and Redis failures.</summary>
    protected bool TryHit(in ReadResult read, out T value, ref CacheEventDetails flags)
    {
        value = default!;
        switch (read.Status)
        {
            case ReadStatus.Found:
                if (_codec.TryDecode(read.Value, out value, out var reason))
                {
                    if (value is null)
                    {
                        flags |= CacheEventDetails.NullValue;
                    }

                    return true;
                }

                flags |= CacheEventDetails.CorruptEntry;
                Runtime.Telemetry.CorruptEntry(Spec.Display, reason!);
                return false;
            case ReadStatus.WrongType:
                flags |= CacheEventDetails.CorruptEntry;
                Runtime.Telemetry.CorruptEntry(Spec.Display, "the key holds another Redis type than a string");
                return false;
            case ReadStatus.Failed:
                Runtime.Telemetry.RedisFailed("get", Spec.Display, read.Error!);
                return false;
            case ReadStatus.Skipped:
                flags |= CacheEventDetails.CircuitOpen;
                return false;
            default:
                return false;
        }
    }

    protected static CacheOutcome MissOrBypass(in ReadResult read) =>
        read.Unavailable ? CacheOutcome.Bypass : CacheOutcome.Miss;

    /// <summary>When the GET could not be served and errors are to be thrown, reports the call and throws.</summary>
    protected void ThrowIfRequested(in ReadResult read, string key, long started, CacheEventDetails flags)
    {
        if (read.Unavailable && Runtime.Options.ThrowOnRedisErrors)
        {
            Completed(key, CacheOutcome.Bypass, started, flags);
            Runtime.ThrowIfRequested("get", Spec.Display, read.Error!);
        }
    }

    /// <summary>Encodes a result for storing; <see langword="false"/> when it is not to be stored.</summary>
    protected bool TryPrepareStore(T result, out RedisValue payload, out TimeSpan ttl, ref CacheEventDetails flags)
    {
        payload = RedisValue.Null;
        ttl = default;
        if (result is null)
        {
            if (Spec.NullTtl is not { } nullTtl)
            {
                flags |= CacheEventDetails.NotStored;
                return false;
            }

            ttl = nullTtl;
        }
        else
        {
            ttl = Runtime.WithJitter(Spec.Ttl);
        }

        if (!_codec.TryEncode(result, out payload, out var problem))
        {
            flags |= CacheEventDetails.NotStored;
            Log.NotStored(Runtime.Telemetry.Logger, Spec.Display, problem!);
            return false;
        }

        return true;
    }

    /// <summary>A one-shot sequence (an iterator, a query) made a list once, so storing it does not run it again.</summary>
    protected static T Materialize(T result) => s_materialize is null ? result : s_materialize(result);

    /// <summary>Reports a SET that did not happen; throws when errors are to be thrown (the call is reported first).</summary>
    protected CacheEventDetails StoreFailed(in WriteResult stored, string key, long started, CacheEventDetails flags)
    {
        flags |= CacheEventDetails.StoreFailed;
        if (stored.Status == WriteStatus.Skipped)
        {
            flags |= CacheEventDetails.CircuitOpen;
        }
        else
        {
            Runtime.Telemetry.RedisFailed("set", Spec.Display, stored.Error!);
        }

        if (Runtime.Options.ThrowOnRedisErrors)
        {
            Completed(key, CacheOutcome.Miss, started, flags);
            Runtime.ThrowIfRequested("set", Spec.Display, stored.Error!);
        }

        return flags;
    }

    protected void Completed(string key, CacheOutcome outcome, long started, CacheEventDetails flags) =>
        Runtime.Telemetry.Completed(CacheOperation.Read, Spec.Display, key, outcome, started, flags);

    /// <summary>The asynchronous read shared by <see cref="Task{TResult}"/> and <see cref="ValueTask{TResult}"/> methods.</summary>
    protected async Task<T> ReadAsync(string key, long started, Func<object, object?[], Task<T>> invoke, object target, object?[] arguments)
    {
        var read = await Runtime.Store.GetAsync(key).ConfigureAwait(false);
        var flags = CacheEventDetails.None;
        if (TryHit(read, out var cached, ref flags))
        {
            Completed(key, CacheOutcome.Hit, started, flags);
            return cached;
        }

        ThrowIfRequested(read, key, started, flags);
        var outcome = MissOrBypass(read);
        T result;
        try
        {
            result = Materialize(await invoke(target, arguments).ConfigureAwait(false));
        }
        catch
        {
            Completed(key, outcome, started, flags | CacheEventDetails.TargetFailed);
            throw;
        }

        if (result is null)
        {
            flags |= CacheEventDetails.NullValue;
        }

        // After a failed GET the SET would most likely fail too, only later: skip it.
        if (outcome == CacheOutcome.Miss && TryPrepareStore(result, out var payload, out var ttl, ref flags))
        {
            var stored = await Runtime.Store.SetAsync(key, payload, ttl).ConfigureAwait(false);
            if (!stored.Succeeded)
            {
                flags = StoreFailed(stored, key, started, flags);
            }
        }

        Completed(key, outcome, started, flags);
        return result;
    }
}
