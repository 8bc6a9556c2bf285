using Polly;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>The outcome of one SET or DEL: a status, and the error when it did not happen.</summary>
internal readonly record struct WriteResult(WriteStatus Status, Exception? Error)
{
    public static readonly WriteResult Done = new(WriteStatus.Done, null);

    public bool Succeeded => Status == WriteStatus.Done;

    public static WriteResult From(in Outcome<RedisValue> outcome) => outcome.Exception switch
    {
        null => Done,
        { } error when RedisErrors.IsCircuitOpen(error) => new(WriteStatus.Skipped, error),
        { } error => new(WriteStatus.Failed, error),
    };
}
