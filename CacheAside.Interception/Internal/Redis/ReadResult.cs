using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>The outcome of one GET: a status, the value when found, the error when failed.</summary>
internal readonly record struct ReadResult(ReadStatus Status, RedisValue Value, Exception? Error)
{
    public static ReadResult Failed(Exception error) => new(ReadStatus.Failed, RedisValue.Null, error);

    public static ReadResult From(RedisValue value) => value.IsNull
        ? new(ReadStatus.NotFound, RedisValue.Null, null)
        : new(ReadStatus.Found, value, null);
}
