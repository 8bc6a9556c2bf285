using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// Invalidations that survive a failover. Redis replicates asynchronously: a delete that a primary acknowledged may not
/// have reached its replica when the primary dies, and the replica promoted in its place still holds the old value. So
/// the commands of an invalidation on a node that has replicas are followed, on the same connection and before any
/// reply is awaited, by <c>WAIT 1 &lt;ms&gt;</c>: Redis answers it once a replica has everything this connection wrote
/// (the delete included), or when its timeout ends. One <c>WAIT</c> per node the invalidation touched.
/// </summary>
/// <remarks>
/// <para>
/// Whether a node has replicas is asked of the node itself: <c>ROLE</c>, which says whether it is a primary and lists its
/// replicas whose link is online (StackExchange.Redis sends it without admin mode, unlike <c>INFO</c>). It is pipelined
/// after an invalidation's commands the first time it touches the node, again once the answer is
/// <see cref="s_replicasKnownFor"/> old, and after the multiplexer saw the topology change or a connection come back:
/// never a round trip of its own. A node without replicas is never sent <c>WAIT</c>, which would block there for its
/// whole timeout. Only the first invalidation on a node found to have replicas pays a round trip more, for the
/// <c>WAIT</c> sent once that is known.
/// </para>
/// <para>
/// The <c>WAIT</c> timeout is half of what is left of the invalidation's budget, so that Redis answers (0, for no
/// replica) well before the budget ends: an answer, never a timeout, so the circuit breaker is not told. StackExchange.Redis
/// writes the commands of one endpoint in the order they are issued (a backlog, when it has one, keeps that order), and
/// <c>IServer</c> commands of that endpoint go on the same connection as the keyed ones: the <c>WAIT</c> follows the
/// delete. It is sent to the node the multiplexer maps the key's slot to, which is where the delete went unless the
/// slot moved meanwhile.
/// </para>
/// </remarks>
internal sealed partial class RedisStore
{
    private static readonly TimeSpan s_replicasKnownFor = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<EndPoint, NodeReplicas> _replicas = new();

    /// <summary>The topology changed or a connection came back: ask every node about its replicas again, with its next invalidation.</summary>
    private void ForgetReplicas(object? sender, EventArgs e)
    {
        foreach (var node in _replicas.Values)
        {
            node.Forget();
        }
    }

    /// <summary>
    /// Sends, after the commands whose first keys are <paramref name="commandKeys"/>, a <c>WAIT</c> to each node among
    /// theirs known to have replicas, and <c>ROLE</c> to each node whose answer is missing or old.
    /// </summary>
    private List<NodeCheck> SendReplicaChecks(IEnumerable<RedisKey> commandKeys, TimeSpan budget, long started)
    {
        var checks = new List<NodeCheck>();
        var now = _time.GetTimestamp();
        foreach (var key in commandKeys)
        {
            if (ServerOf(key) is not { } server || checks.Exists(c => c.Server.EndPoint.Equals(server.EndPoint)))
            {
                continue;
            }

            var node = _replicas.GetOrAdd(server.EndPoint, static _ => new NodeReplicas());
            var check = new NodeCheck(server, node);
            if (node.Online > 0)
            {
                check.Wait = SendWait(server, budget, started);
                check.Waited = true;
            }

            if (node.ShouldAsk(_time, now))
            {
                check.Role = Send(static (_, server) => server.ExecuteAsync("ROLE"), _writes, server, started);
                check.Asked = true;
            }

            checks.Add(check);
        }

        return checks;
    }

    /// <summary>
    /// The reply of an invalidation whose commands answered <paramref name="deleted"/>: that reply unless it was an
    /// answer; else what the replicas said — an answer when every node with replicas had one acknowledge it, or
    /// <see cref="RedisErrors.NotReplicated"/>. When a command was sent again after the checks went (a script the node
    /// did not know, sent again by its text), the checks are sent again after it, in the same budget.
    /// </summary>
    private async ValueTask<RedisReply> ReplicatedAsync(RedisReply deleted, List<NodeCheck> checks, IEnumerable<RedisKey>? sentAgain, bool sync, TimeSpan budget, long started)
    {
        var replicated = await AcknowledgedAsync(checks, sync, budget, started).ConfigureAwait(false);
        if (sentAgain is not null && deleted.IsOk)
        {
            replicated = await AcknowledgedAsync(SendReplicaChecks(sentAgain, budget, started), sync, budget, started).ConfigureAwait(false);
        }

        return deleted.IsOk ? replicated : deleted;
    }

    private async ValueTask<RedisReply> AcknowledgedAsync(List<NodeCheck> checks, bool sync, TimeSpan budget, long started)
    {
        var worst = default(RedisReply);
        foreach (var check in checks)
        {
            if (check.Asked)
            {
                var role = await Complete(check.Role, sync, budget).ConfigureAwait(false);
                if (role.IsOk)
                {
                    check.Node.Learned(OnlineReplicas(role.Result!), _time.GetTimestamp());
                }
            }

            RedisReply reply;
            if (check.Waited)
            {
                reply = await Complete(check.Wait, sync, budget).ConfigureAwait(false);
            }
            else if (check.Node.Online > 0)
            {
                // Found to have replicas only now: the one round trip more of a node's first invalidation.
                reply = await Complete(SendWait(check.Server, budget, started), sync, budget).ConfigureAwait(false);
            }
            else
            {
                continue;
            }

            if (reply.IsOk && (long)reply.Result! < 1)
            {
                reply = RedisReply.Failure(ReplyStatus.Refused, RedisErrors.NotReplicated);
            }

            worst = Rank(reply.Status) > Rank(worst.Status) ? reply : worst;
        }

        return worst;
    }

    /// <summary><c>WAIT 1 &lt;ms&gt;</c> to <paramref name="server"/>, for half of what is left of the budget that began at <paramref name="started"/>.</summary>
    private Sent<RedisResult> SendWait(IServer server, TimeSpan budget, long started)
    {
        // Never WAIT 1 0, which blocks until a replica answers, however long that takes.
        var timeout = (long)((budget - _time.GetElapsedTime(started)).TotalMilliseconds / 2);
        return timeout < 1
            ? new(null, RedisReply.Failure(ReplyStatus.Refused, RedisErrors.NotReplicated), false, started)
            : Send(static (_, s) => s.server.ExecuteAsync("WAIT", 1, s.timeout), _writes, (server, timeout), started);
    }

    /// <summary>The node the multiplexer sends <paramref name="key"/>'s commands to, or <see langword="null"/> when it has none.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A node that cannot be named is not waited for: its command fails by itself.")]
    private IServer? ServerOf(RedisKey key)
    {
        try
        {
            return _writes.GetServer(key);
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// The replicas of a node that <c>WAIT</c> can count on, from its <c>ROLE</c> (<c>master</c>, its offset, then one entry per
    /// replica whose link is online: one still loading its first copy acknowledges nothing): none unless it is a primary.
    /// </summary>
    internal static int OnlineReplicas(RedisResult role) =>
        role.Length >= 3 && role[0].ToString() == "master" ? role[2].Length : 0;

    /// <summary>What an invalidation sent to one node besides its commands.</summary>
    private sealed class NodeCheck(IServer server, NodeReplicas node)
    {
        public IServer Server { get; } = server;

        public NodeReplicas Node { get; } = node;

        public Sent<RedisResult> Wait { get; set; }

        public bool Waited { get; set; }

        public Sent<RedisResult> Role { get; set; }

        public bool Asked { get; set; }
    }

    /// <summary>What is known of one node's replicas, and since when.</summary>
    private sealed class NodeReplicas
    {
        private int _online;
        private long _checkedAt;
        private int _known;

        /// <summary>Gets the replicas that acknowledge writes, as last answered; 0 until the node answered.</summary>
        public int Online => Volatile.Read(ref _online);

        /// <summary>
        /// Whether to ask the node with this invalidation: always until it answered (every invalidation meanwhile needs the
        /// answer), then once its answer is old, by one invalidation only — the one that claims the moment of asking.
        /// </summary>
        public bool ShouldAsk(TimeProvider time, long now)
        {
            if (Volatile.Read(ref _known) == 0)
            {
                return true;
            }

            var checkedAt = Volatile.Read(ref _checkedAt);
            return time.GetElapsedTime(checkedAt, now) >= s_replicasKnownFor && Interlocked.CompareExchange(ref _checkedAt, now, checkedAt) == checkedAt;
        }

        public void Learned(int online, long at)
        {
            Volatile.Write(ref _online, online);
            Volatile.Write(ref _checkedAt, at);
            Volatile.Write(ref _known, 1);
        }

        /// <summary>Keeps the count, which invalidations still use, and has every one ask again until the node answers.</summary>
        public void Forget() => Volatile.Write(ref _known, 0);
    }
}
