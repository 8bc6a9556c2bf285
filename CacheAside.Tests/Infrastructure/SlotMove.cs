using StackExchange.Redis;

namespace CacheAside.Tests.Infrastructure;

/// <summary>
/// A hash slot on its way from one primary to another, as <c>redis-cli --cluster reshard</c> moves it: marked
/// <c>IMPORTING</c> on the new node and <c>MIGRATING</c> on the old, its keys moved one by one (<c>MIGRATE</c>), then
/// handed over. Meanwhile a command of one key is redirected to wherever its key is (<c>ASK</c>); a command of several
/// keys that are not all on one node is refused (<c>TRYAGAIN</c>). Disposing it completes the move if a key has moved,
/// and undoes it if none has.
/// </summary>
public sealed class SlotMove : IDisposable
{
    private readonly IConnectionMultiplexer _admin;
    private bool _keysMoved;
    private bool _ended;

    internal SlotMove(IConnectionMultiplexer admin, int slot, RedisServer from, RedisServer to)
    {
        _admin = admin;
        Slot = slot;
        From = from;
        To = to;
    }

    public int Slot { get; }

    public RedisServer From { get; }

    public RedisServer To { get; }

    /// <summary>Moves <paramref name="key"/>, of this slot, to the new node.</summary>
    public void Migrate(RedisKey key)
    {
        Node(From).Execute("MIGRATE", "127.0.0.1", To.Port, string.Empty, 0, 5000, "KEYS", key);
        _keysMoved = true;
    }

    /// <summary>Moves the keys still on the old node, then hands the slot to the new one.</summary>
    public void Complete()
    {
        while (Node(From).Execute("CLUSTER", "GETKEYSINSLOT", Slot, 100) is { Length: > 0 } keys)
        {
            foreach (var key in (RedisKey[])keys!)
            {
                Migrate(key);
            }
        }

        End(To);
    }

    public void Dispose()
    {
        if (_ended)
        {
            return;
        }

        if (_keysMoved)
        {
            Complete();
        }
        else
        {
            End(From);
        }
    }

    internal void Begin()
    {
        Node(To).Execute("CLUSTER", "SETSLOT", Slot, "IMPORTING", NodeId(From));
        Node(From).Execute("CLUSTER", "SETSLOT", Slot, "MIGRATING", NodeId(To));
    }

    /// <summary>Gives the slot to <paramref name="owner"/> on both nodes (the new owner first, as redis-cli does).</summary>
    private void End(RedisServer owner)
    {
        Node(To).Execute("CLUSTER", "SETSLOT", Slot, "NODE", NodeId(owner));
        Node(From).Execute("CLUSTER", "SETSLOT", Slot, "NODE", NodeId(owner));
        _ended = true;
    }

    private IServer Node(RedisServer server) => _admin.GetServer(server.Endpoint);

    private string NodeId(RedisServer server) => (string)Node(server).Execute("CLUSTER", "MYID")!;
}
