using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>What became of one Redis command: never an exception, always one of these.</summary>
internal enum ReplyStatus
{
    /// <summary>Redis answered; see <see cref="RedisReply.Value"/> or <see cref="RedisReply.Result"/>.</summary>
    Ok,

    /// <summary>
    /// Redis is unavailable: the connection failed, or no answer came within the call's budget. These are
    /// the only failures the circuit breaker counts.
    /// </summary>
    Failed,

    /// <summary>Redis was not asked: the circuit breaker is open.</summary>
    Skipped,

    /// <summary>
    /// Redis answered with an error about the command or its data (<c>OOM</c>, <c>WRONGTYPE</c>, a script
    /// error): Redis is up, so this never opens the circuit breaker.
    /// </summary>
    Refused,
}

/// <summary>The outcome of one command: a status, the answer when Redis gave one, the error when not.</summary>
internal readonly struct RedisReply
{
    private RedisReply(ReplyStatus status, RedisValue value, RedisResult? result, Exception? error, Lease<byte>? lease = null)
    {
        Status = status;
        Value = value;
        Lease = lease;
        Result = result;
        Error = error;
    }

    public ReplyStatus Status { get; }

    /// <summary>Gets the value of a <c>GET</c>.</summary>
    public RedisValue Value { get; }

    /// <summary>
    /// Gets the value of a <c>GET</c> in pooled memory, read straight from the reply without a copy of its own:
    /// <see langword="null"/> when the key holds nothing. Whoever takes it disposes it.
    /// </summary>
    public Lease<byte>? Lease { get; }

    /// <summary>Gets the result of a script.</summary>
    public RedisResult? Result { get; }

    /// <summary>Gets the error when the status is not <see cref="ReplyStatus.Ok"/>; for <see cref="ReplyStatus.Skipped"/>, why.</summary>
    public Exception? Error { get; }

    public bool IsOk => Status == ReplyStatus.Ok;

    /// <summary>Gets whether Redis could not be used at all (failed or skipped), as opposed to answering.</summary>
    public bool Unavailable => Status is ReplyStatus.Failed or ReplyStatus.Skipped;

    public static RedisReply Answered(RedisValue value) => new(ReplyStatus.Ok, value, null, null);

    public static RedisReply Answered(Lease<byte>? lease) => new(ReplyStatus.Ok, RedisValue.Null, null, null, lease);

    public static RedisReply Answered(RedisResult result) => new(ReplyStatus.Ok, RedisValue.Null, result, null);

    public static RedisReply Failure(ReplyStatus status, Exception error) => new(status, RedisValue.Null, null, error);
}
