using Polly;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>The outcome of one GET: a status, the value when found, the error when failed.</summary>
internal readonly record struct ReadResult(ReadStatus Status, RedisValue Value, Exception? Error)
{
    public bool Unavailable => Status is ReadStatus.Failed or ReadStatus.Skipped;

    public static ReadResult From(in Outcome<RedisValue> outcome)
    {
        if (outcome.Exception is { } error)
        {
            var status = RedisErrors.IsCircuitOpen(error) ? ReadStatus.Skipped
                : RedisErrors.IsWrongType(error) ? ReadStatus.WrongType
                : ReadStatus.Failed;
            return new(status, RedisValue.Null, error);
        }

        return outcome.Result.IsNull
            ? new(ReadStatus.NotFound, RedisValue.Null, null)
            : new(ReadStatus.Found, outcome.Result, null);
    }
}
