using System.Globalization;
using System.Net.Sockets;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// Classifies Redis errors and describes them without their messages: StackExchange.Redis puts key names
/// into messages (<c>next: GET product:42</c>), and keys must not reach logs at Warning level.
/// </summary>
internal static class RedisErrors
{
    /// <summary>The reply of a cluster node for a key whose hash slot no node serves.</summary>
    private const string SlotNotServed = "CLUSTERDOWN Hash slot not served";

    /// <summary>The reason given for a command the open circuit breaker skipped; never thrown.</summary>
    public static readonly Exception CircuitOpen = new RedisSkippedException("skipped: the circuit breaker is open");

    /// <summary>
    /// Sorts an error into what it says about Redis. Server replies about the command or its data
    /// (<c>OOM</c>, <c>WRONGTYPE</c>, a script error) mean Redis is up: <see cref="ReplyStatus.Refused"/>.
    /// Replies that mean the node cannot serve right now (loading, a replica that is read-only during a
    /// failover, a cluster that is down as a whole) count as <see cref="ReplyStatus.Failed"/>, like timeouts and
    /// broken connections. Replies about where a slot is (<c>TRYAGAIN</c> while it moves between cluster nodes,
    /// a <c>MOVED</c> or <c>ASK</c> left unfollowed, a slot that no node serves) say nothing about the health of the
    /// nodes that answer: they are <see cref="ReplyStatus.Refused"/> and never open the circuit breaker, which would
    /// switch caching off for every slot.
    /// </summary>
    public static ReplyStatus Classify(Exception error) => error switch
    {
        RedisServerException server when !IsUnavailabilityReply(server.Message) => ReplyStatus.Refused,
        _ => ReplyStatus.Failed,
    };

    /// <summary>The circuit breaker kept the command from Redis.</summary>
    public static bool IsSkipped(Exception error) => error is RedisSkippedException;

    /// <summary>Whether the skip was the open circuit breaker's.</summary>
    public static bool IsCircuitOpen(Exception error) => ReferenceEquals(error, CircuitOpen);

    /// <summary>Redis answered that the key holds another type than a string: the entry is unusable, Redis is healthy.</summary>
    public static bool IsWrongType(Exception error) =>
        error is RedisServerException && error.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal);

    /// <summary>Redis refused a write because it reached <c>maxmemory</c> with the <c>noeviction</c> policy.</summary>
    public static bool IsOutOfMemory(Exception error) =>
        error is RedisServerException && error.Message.StartsWith("OOM", StringComparison.Ordinal);

    /// <summary>
    /// A cluster node refused a command of several keys because its hash slot is moving between nodes and only
    /// some of the keys have moved (<c>TRYAGAIN</c>). A command of one key follows the move (<c>ASK</c>) instead.
    /// </summary>
    public static bool IsSlotMoving(Exception error) =>
        error is RedisServerException && error.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal);

    /// <summary>
    /// A cluster node refused the command because no node serves its key's hash slot (<c>CLUSTERDOWN Hash slot not
    /// served</c>): with <c>cluster-require-full-coverage no</c>, the slots of a shard that is gone while the others
    /// are served. Only those keys are out of reach, and the refusal is as quick as an answer, so it does not count
    /// toward the circuit breaker. A cluster that is down as a whole says <c>CLUSTERDOWN The cluster is down</c>, for
    /// every slot: that counts.
    /// </summary>
    public static bool IsSlotNotServed(Exception error) =>
        error is RedisServerException && error.Message.StartsWith(SlotNotServed, StringComparison.Ordinal);

    /// <summary>
    /// A reply about where a key's hash slot is (<see cref="IsSlotMoving"/>, <see cref="IsSlotNotServed"/>), not about the
    /// command: a node that gives it has not run the command, so it says nothing of whether that node knows a script.
    /// </summary>
    public static bool IsAboutTheSlot(Exception error) => IsSlotMoving(error) || IsSlotNotServed(error);

    /// <summary>
    /// The database is not one the server has (its <c>databases</c> setting), as StackExchange.Redis refuses it when it
    /// knows the server's count (read with <c>CONFIG GET</c>; without it, a <c>SELECT</c> Redis refuses goes unreported).
    /// </summary>
    public static bool IsNoSuchDatabase(Exception error) =>
        error is RedisCommandException && error.Message.StartsWith("The database does not exist on the server", StringComparison.Ordinal);

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

    /// <summary>
    /// Whether a connection attempt ended without a verdict: it ran out of <c>connectTimeout</c> before the
    /// server had answered the handshake, so the error says neither that Redis is unreachable (a refused or
    /// unresolvable address) nor that it refused the credentials. The next attempt may tell.
    /// </summary>
    public static bool IsUndecidedConnect(Exception? error) => error switch
    {
        null => false,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsUndecidedConnect),
        RedisConnectionException { FailureType: ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection } connection =>
            connection.InnerException is null || IsUndecidedConnect(connection.InnerException),
        RedisTimeoutException => false,
        OperationCanceledException or TimeoutException => true,
        SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.TimedOut } => true,
        _ => false,
    };

    /// <summary>Whether a script's reply says the server does not know it by its SHA1 (<c>NOSCRIPT</c>): it is then sent by its text.</summary>
    public static bool IsNoScript(in RedisReply reply) =>
        reply.Status == ReplyStatus.Refused && reply.Error is RedisServerException server && server.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);

    /// <summary>A short description that names no key: what kind of failure, never the raw message.</summary>
    public static string Describe(Exception error) => error switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        RedisTimeoutException => "no answer within the multiplexer's timeout (syncTimeout or asyncTimeout)",
        TimeoutException budget => budget.Message,
        RedisConnectionException connection => "connection " + connection.FailureType,
        RedisServerException server => "server error " + ErrorCode(server.Message),
        RedisSkippedException skipped => skipped.Message,
        ObjectDisposedException => "the connection was disposed",
        _ => error.GetType().Name,
    };

    /// <summary>A short kind of the error, for counting and for rate-limited logs: <c>timeout</c>, <c>connection</c>, <c>OOM</c>...</summary>
    public static string Kind(Exception error) => error switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Kind(aggregate.InnerExceptions[0]),
        RedisTimeoutException or TimeoutException => "timeout",
        RedisConnectionException => "connection",
        RedisServerException server => ErrorCode(server.Message),
        RedisSkippedException => "skipped",
        _ => error.GetType().Name,
    };

    /// <summary>The error of a command that did not answer within the budget; <see cref="Describe"/> shows its message.</summary>
    public static TimeoutException BudgetExceeded(TimeSpan budget) =>
        new($"no answer within {budget.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms (CacheAsideOptions.RedisTimeout)");

    public static TimeoutException NotSent(TimeSpan budget) =>
        new($"not sent within {budget.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms (CacheAsideOptions.RedisTimeout): the batch of GETs it was in waited that long for a thread-pool thread");

    private static bool IsUnavailabilityReply(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || (message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal) && !message.StartsWith(SlotNotServed, StringComparison.Ordinal))
        || message.StartsWith("BUSY", StringComparison.Ordinal);

    /// <summary>The error code Redis puts first in an error reply (<c>OOM</c>, <c>READONLY</c>, <c>NOAUTH</c>).</summary>
    private static string ErrorCode(string message)
    {
        var end = message.IndexOfAny([' ', ',', ':']);
        var code = end < 0 ? message : message[..end];
        return code.Length > 0 && code.All(c => char.IsAsciiLetterUpper(c) || c == '_') ? code : "(reply)";
    }

    /// <summary>Stands for a command CacheAside did not send; a value, never thrown.</summary>
    private sealed class RedisSkippedException(string message) : Exception(message);
}
