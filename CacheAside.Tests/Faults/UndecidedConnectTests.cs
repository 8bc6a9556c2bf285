using System.Net.Sockets;
using CacheAside.Interception.Internal.Redis;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>
/// Which startup failures leave the credentials undecided (the handshake ran out of time) and so earn a second
/// look, and which already say what is wrong (unreachable, refused credentials, a hung server).
/// </summary>
public sealed class UndecidedConnectTests
{
    private static RedisConnectionException Connection(ConnectionFailureType type, Exception? inner = null) =>
        new(type, CommandFlags.None, "failure", inner, CommandStatus.Unknown);

    [Test]
    public void AnAttemptThatRanOutOfTimeWithNoCause_IsUndecided() =>
        Assert.That(RedisErrors.IsUndecidedConnect(Connection(ConnectionFailureType.UnableToConnect)), Is.True);

    [Test]
    public void NoConnectionAvailable_OverAnAttemptThatRanOutOfTime_IsUndecided() =>
        Assert.That(RedisErrors.IsUndecidedConnect(Connection(ConnectionFailureType.UnableToResolvePhysicalConnection, Connection(ConnectionFailureType.UnableToConnect, new TimeoutException("ConnectTimeout")))), Is.True);

    [Test]
    public void AnAbortedOrCancelledConnect_IsUndecided()
    {
        Assert.That(RedisErrors.IsUndecidedConnect(Connection(ConnectionFailureType.UnableToConnect, new SocketException((int)SocketError.OperationAborted))), Is.True);
        Assert.That(RedisErrors.IsUndecidedConnect(Connection(ConnectionFailureType.UnableToConnect, new OperationCanceledException())), Is.True);
    }

    [Test]
    public void ARefusedConnection_SaysRedisIsDown() =>
        Assert.That(RedisErrors.IsUndecidedConnect(Connection(ConnectionFailureType.UnableToConnect, new SocketException((int)SocketError.ConnectionRefused))), Is.False);

    [Test]
    public void RefusedCredentials_AreAVerdict() =>
        Assert.That(RedisErrors.IsUndecidedConnect(Connection(ConnectionFailureType.UnableToResolvePhysicalConnection, Connection(ConnectionFailureType.AuthenticationFailure))), Is.False);

    [Test]
    public void ACommandTimeoutOnAConnectedServer_IsAVerdict() =>
        Assert.That(RedisErrors.IsUndecidedConnect(new RedisTimeoutException(CommandFlags.None, "Timeout performing PING", CommandStatus.Sent)), Is.False);

    [Test]
    public void SeveralEndpoints_AreUndecidedOnlyWhenEveryOneIs()
    {
        var undecided = Connection(ConnectionFailureType.UnableToConnect);
        var refused = Connection(ConnectionFailureType.UnableToConnect, new SocketException((int)SocketError.ConnectionRefused));

        Assert.That(RedisErrors.IsUndecidedConnect(new AggregateException(undecided, undecided)), Is.True);
        Assert.That(RedisErrors.IsUndecidedConnect(new AggregateException(undecided, refused)), Is.False);
    }
}
