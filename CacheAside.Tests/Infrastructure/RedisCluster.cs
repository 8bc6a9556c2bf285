using System.Diagnostics;
using StackExchange.Redis;

namespace CacheAside.Tests.Infrastructure;

/// <summary>
/// A local Redis Cluster of three primaries and three replicas: six private <c>redis-server</c> processes
/// on free loopback ports, joined by <c>redis-cli --cluster create</c>, with a one-second node timeout so a
/// failover takes seconds. The tests can kill a primary, move slots, and stop it all at the end.
/// </summary>
public sealed class RedisCluster : IDisposable
{
    private const int Nodes = 6;

    private RedisCluster(List<RedisServer> servers)
    {
        Servers = servers;
    }

    public IReadOnlyList<RedisServer> Servers { get; }

    /// <summary>Gets the StackExchange.Redis configuration string naming every node.</summary>
    public string Endpoints => string.Join(",", Servers.Select(s => s.Endpoint));

    /// <summary>Starts the nodes, creates the cluster, and waits until every slot is served and every replica synced.</summary>
    public static RedisCluster Start()
    {
        var servers = new List<RedisServer>();
        try
        {
            for (var i = 0; i < Nodes; i++)
            {
                servers.Add(RedisServer.StartClusterNode("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000"));
            }

            var cluster = new RedisCluster(servers);
            RedisCli(["--cluster", "create", .. servers.Select(s => s.Endpoint), "--cluster-replicas", "1", "--cluster-yes"], TimeSpan.FromSeconds(60));
            if (!cluster.WaitUntilHealthy(TimeSpan.FromSeconds(60)))
            {
                throw new InvalidOperationException("The local cluster did not become healthy within 60 s.");
            }

            return cluster;
        }
        catch
        {
            foreach (var server in servers)
            {
                server.Dispose();
            }

            throw;
        }
    }

    /// <summary>The server that is primary for <paramref name="key"/>'s slot now.</summary>
    public RedisServer PrimaryFor(IConnectionMultiplexer connection, RedisKey key)
    {
        var endpoint = connection.GetServer(key).EndPoint.ToString()!;
        return Servers.Single(s => endpoint.EndsWith(":" + s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    /// <summary>
    /// Waits until every running node reports the cluster healthy (all slots served) and sees each primary
    /// with a replica that has caught up, as after the cluster is made or a failover settles.
    /// </summary>
    public bool WaitUntilHealthy(TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < within)
        {
            if (Servers.Where(s => s.IsRunning).All(s => Info(s, "CLUSTER", "INFO").Contains("cluster_state:ok", StringComparison.Ordinal))
                && Servers.Where(s => s.IsRunning).All(ReplicaIsSynced))
            {
                return true;
            }

            Thread.Sleep(100);
        }

        return false;
    }

    /// <summary>Moves <paramref name="slots"/> slots from the first primary to the second, while clients go on (<c>redis-cli --cluster reshard</c>).</summary>
    public void Reshard(int slots)
    {
        var primaries = Servers.Where(s => s.IsRunning && Info(s, "INFO", "replication").Contains("role:master", StringComparison.Ordinal)).ToList();
        var from = NodeId(primaries[0]);
        var to = NodeId(primaries[1]);
        RedisCli(["--cluster", "reshard", primaries[0].Endpoint, "--cluster-from", from, "--cluster-to", to, "--cluster-slots", slots.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-yes"], TimeSpan.FromSeconds(120));
    }

    /// <summary>
    /// Marks <paramref name="key"/>'s slot as moving from its primary to another (<c>MIGRATING</c>/<c>IMPORTING</c>), as
    /// <c>redis-cli --cluster reshard</c> begins a move, until the move is completed or undone. <paramref name="admin"/>
    /// must be connected with <c>allowAdmin=true</c>.
    /// </summary>
    public SlotMove StartMoving(IConnectionMultiplexer admin, RedisKey key)
    {
        var slot = admin.HashSlot(key);
        var owner = PrimaryFor(admin, key);
        var importer = Servers.First(s => s != owner && s.IsRunning && (string)admin.GetServer(s.Endpoint).Execute("ROLE")[0]! == "master");
        var move = new SlotMove(admin, slot, owner, importer);
        move.Begin();
        return move;
    }

    /// <summary>
    /// Loses the shard of <paramref name="primary"/> for good: kills it and its replica, then makes every surviving node
    /// forget both (<c>CLUSTER FORGET</c>, as an operator drops nodes that will not come back), so that their slots are
    /// served by no node. With <c>cluster-require-full-coverage no</c> the other slots go on being served, and a command
    /// for one of the lost slots is refused with <c>CLUSTERDOWN Hash slot not served</c>.
    /// </summary>
    public void LoseShard(RedisServer primary)
    {
        var replicaPort = Info(primary, "INFO", "replication").Split('\n')
            .Where(line => line.StartsWith("slave0:", StringComparison.Ordinal))
            .Select(line => line.Split(',').Single(part => part.StartsWith("port=", StringComparison.Ordinal))["port=".Length..].Trim())
            .Single();
        var replica = Servers.Single(s => s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) == replicaPort);
        var lost = new[] { NodeId(primary), NodeId(replica) };
        replica.Kill();
        primary.Kill();
        foreach (var survivor in Servers.Where(s => s.IsRunning))
        {
            foreach (var id in lost)
            {
                RedisCli(["-p", survivor.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "CLUSTER", "FORGET", id], TimeSpan.FromSeconds(5));
            }
        }
    }

    public void Dispose()
    {
        foreach (var server in Servers)
        {
            server.Dispose();
        }
    }

    private static bool ReplicaIsSynced(RedisServer server)
    {
        var replication = Info(server, "INFO", "replication");
        if (replication.Contains("role:master", StringComparison.Ordinal))
        {
            return replication.Contains("connected_slaves:1", StringComparison.Ordinal) && replication.Contains("state=online", StringComparison.Ordinal);
        }

        return replication.Contains("master_link_status:up", StringComparison.Ordinal);
    }

    private static string NodeId(RedisServer server) => Info(server, "CLUSTER", "MYID").Trim();

    private static string Info(RedisServer server, params string[] command)
    {
        try
        {
            return RedisCli(["-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. command], TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            return string.Empty;
        }
    }

    private static string RedisCli(string[] arguments, TimeSpan within)
    {
        var start = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-h");
        start.ArgumentList.Add("127.0.0.1");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(within))
        {
            process.Kill();
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} did not finish within {within}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} failed with {process.ExitCode}: {errors.Result}{output.Result}");
        }

        return output.Result;
    }
}
