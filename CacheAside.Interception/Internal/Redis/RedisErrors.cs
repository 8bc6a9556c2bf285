using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// Classifies Redis errors and describes them without their messages: StackExchange.Redis puts key names
/// into messages (<c>next: GET product:42</c>), and keys must not reach logs at Warning level.
/// </summary>
internal static class RedisErrors
{
    private const string WrongTypePrefix = "WRONGTYPE";

    /// <summary>Redis answered that the key holds another type than a string: Redis itself is healthy.</summary>
    public static bool IsWrongType(Exception error) =>
        error is RedisServerException && error.Message.StartsWith(WrongTypePrefix, StringComparison.Ordinal);

    /// <summary>The circuit breaker refused the command: Redis was not asked.</summary>
    public static bool IsCircuitOpen(Exception error) => error is BrokenCircuitException;

    /// <summary>Whether Redis refused the credentials, anywhere in <paramref name="error"/>'s chain.</summary>
    public static bool IsAuthenticationFailure(Exception? error) => error switch
    {
        null => false,
        RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } => true,
        RedisServerException server when server.Message.StartsWith("NOAUTH", StringComparison.Ordinal)
            || server.Message.StartsWith("WRONGPASS", StringComparison.Ordinal) => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsAuthenticationFailure),
        _ => IsAuthenticationFailure(error.InnerException),
    };

    /// <summary>A short description that names no key: what kind of failure, never the raw message.</summary>
    public static string Describe(Exception error) => error switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        RedisTimeoutException => "no answer within the multiplexer's timeout (syncTimeout or asyncTimeout)",
        TimeoutException budget => budget.Message,
        RedisConnectionException connection => "connection " + connection.FailureType,
        RedisServerException server => "server error " + ErrorCode(server.Message),
        BrokenCircuitException => "skipped: the circuit breaker is open",
        _ => error.GetType().Name,
    };

    /// <summary>The error code Redis puts first in an error reply (<c>OOM</c>, <c>READONLY</c>, <c>NOAUTH</c>).</summary>
    private static string ErrorCode(string message)
    {
        var end = message.IndexOfAny([' ', ',', ':']);
        var code = end < 0 ? message : message[..end];
        return code.Length > 0 && code.All(c => char.IsAsciiLetterUpper(c) || c == '_') ? code : "(reply)";
    }
}
