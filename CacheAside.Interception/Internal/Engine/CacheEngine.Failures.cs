using CacheAside.Interception.Internal.Redis;

namespace CacheAside.Interception.Internal.Engine;

/// <summary>
/// The one place that decides what a Redis reply other than an answer means for a call: what the call's
/// event says, what is counted and logged, and whether <see cref="CacheAsideOptions.ThrowOnRedisErrors"/>
/// turns it into an exception. Whatever it decides, the call itself goes on without the cache.
/// </summary>
internal sealed partial class CacheEngine
{
    /// <summary>Counts and logs a reply that was not an answer, and returns the details its call reports.</summary>
    /// <param name="reply">The reply; its status is not <see cref="ReplyStatus.Ok"/>.</param>
    /// <param name="command">The command, in lower case, as metrics and messages name it (<c>get</c>, <c>lease</c>, <c>set</c>, <c>del</c>).</param>
    /// <param name="method">The method, as messages name it.</param>
    private CacheEventDetails RedisTrouble(in RedisReply reply, string command, string method)
    {
        switch (reply.Status)
        {
            case ReplyStatus.Skipped:
                return RedisErrors.IsCircuitOpen(reply.Error!) ? CacheEventDetails.CircuitOpen : CacheEventDetails.None;
            case ReplyStatus.Refused when RedisErrors.IsOutOfMemory(reply.Error!):
                Telemetry.RedisOutOfMemory(command, method);
                return CacheEventDetails.None;
            case ReplyStatus.Refused when RedisErrors.IsSlotMoving(reply.Error!):
                // A resharding, not a failure: counted and logged at Debug as a lease event, never warned about.
                Telemetry.LeaseEvent(method, "slot_moving");
                return CacheEventDetails.SlotMoving;
            default:
                // A slot no node serves (a lost shard) lands here too: its keys are out of reach, which is counted and
                // logged as a failure, though the breaker was not told (see RedisErrors.Classify).
                Telemetry.RedisFailed(command, method, reply.Error!);
                return CacheEventDetails.None;
        }
    }

    /// <summary>
    /// Whether this reply is to be thrown at the caller: only when <see cref="CacheAsideOptions.ThrowOnRedisErrors"/> is on,
    /// and never for an unusable entry or a slot that is moving between cluster nodes, which are not Redis failures.
    /// </summary>
    private bool ShouldThrow(in RedisReply reply) =>
        Options.ThrowOnRedisErrors && !reply.IsOk && !(reply.Error is { } error && (RedisErrors.IsWrongType(error) || RedisErrors.IsSlotMoving(error)));

    /// <summary>The exception <see cref="CacheAsideOptions.ThrowOnRedisErrors"/> asks for: it names the method and the command, never the key.</summary>
    private static CacheUnavailableException Unavailable(in RedisReply reply, string command, string method)
    {
        var error = reply.Error!;
        var skipped = RedisErrors.IsSkipped(error);
        var what = skipped ? "was skipped: the circuit breaker is open after repeated Redis failures" : $"failed ({RedisErrors.Describe(error)})";
        return new CacheUnavailableException(
            $"Redis {command.ToUpperInvariant()} for {method} {what}; CacheAsideOptions.ThrowOnRedisErrors is on, so this is thrown instead of going on without the cache.",
            skipped ? null : error);
    }
}
