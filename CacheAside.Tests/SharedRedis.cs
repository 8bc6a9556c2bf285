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
    private static readonly Lock s_clusterLock = new();
    private static RedisServer? s_server;
    private static ConnectionMultiplexer? s_connection;
    private static RedisCluster? s_cluster;
    private static ConnectionMultiplexer? s_clusterConnection;

    public static RedisServer Server => s_server ?? throw new InvalidOperationException("The shared Redis server is not running.");

    public static IConnectionMultiplexer Connection => s_connection ?? throw new InvalidOperationException("The shared Redis server is not running.");

    /// <summary>Gets the shared local cluster (three primaries, three replicas), started by the first test that needs it.</summary>
    public static RedisCluster Cluster
    {
        get
        {
            lock (s_clusterLock)
            {
                if (s_cluster is null)
                {
                    s_cluster = RedisCluster.Start();
                    s_clusterConnection = ConnectionMultiplexer.Connect(s_cluster.Endpoints);
                }

                return s_cluster;
            }
        }
    }

    /// <summary>Gets a multiplexer on the shared cluster.</summary>
    public static IConnectionMultiplexer ClusterConnection
    {
        get
        {
            _ = Cluster;
            return s_clusterConnection!;
        }
    }

    /// <summary>Gets the multiplexer of a topology: the shared server's or the shared cluster's.</summary>
    public static IConnectionMultiplexer ConnectionOf(Topology topology) => topology == Topology.Cluster ? ClusterConnection : Connection;

    /// <summary>Gets the configuration string of a topology, for containers that connect by themselves.</summary>
    public static string EndpointsOf(Topology topology) => topology == Topology.Cluster ? Cluster.Endpoints : Server.Endpoint;

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
        s_clusterConnection?.Dispose();
        s_cluster?.Dispose();
    }
}
