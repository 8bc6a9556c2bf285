using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests;

/// <summary>
/// One private Redis server for the whole run, started before the first test and stopped after the last.
/// Tests share it but never each other's keys: each uses its own key prefix. Fault tests start their own.
/// When redis-server is missing the run fails here, with the command to install it.
/// </summary>
[SetUpFixture]
public sealed class SharedRedis
{
    private static RedisServer? s_server;
    private static ConnectionMultiplexer? s_connection;

    public static RedisServer Server => s_server ?? throw new InvalidOperationException("The shared Redis server is not running.");

    public static IConnectionMultiplexer Connection => s_connection ?? throw new InvalidOperationException("The shared Redis server is not running.");

    [OneTimeSetUp]
    public void StartServer()
    {
        s_server = RedisServer.Start();
        s_connection = ConnectionMultiplexer.Connect(s_server.Endpoint);
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        s_connection?.Dispose();
        s_server?.Dispose();
    }
}
