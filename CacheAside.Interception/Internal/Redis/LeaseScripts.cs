using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// The Lua scripts of the lease protocol. Each touches the keys of one entry — its value key and its
/// lease key, which share a hash slot — so none ever spans slots on a cluster. A script that needs only the
/// lease names only the lease key: while its slot moves between cluster nodes, a script of one key follows the
/// key to the node that has it (<c>ASK</c>), where one of two keys is refused until both are on one node.
/// </summary>
/// <remarks>
/// A lease is a hash at <c>&lt;value key&gt;:lease</c>: field <c>t</c> holds the holder's token, field
/// <c>w</c> is set once another caller waits for the holder, so a store or release publishes a
/// notification only when someone listens. The notification's message is the value key.
/// They are sent by SHA1 (<c>EVALSHA</c>), and by their text (<c>EVAL</c>) when a server does not know one
/// yet, as after a restart or a failover (see <see cref="RedisStore"/>).
/// </remarks>
internal static class LeaseScripts
{
    private static readonly ConcurrentDictionary<string, byte[]> s_sha1 = new(StringComparer.Ordinal);

    /// <summary>A reply of <see cref="Acquire"/>: the value is there (returned second).</summary>
    public const long FoundValue = 1;

    /// <summary>A reply of <see cref="Acquire"/>: the caller now holds the lease.</summary>
    public const long Granted = 2;

    /// <summary>A reply of <see cref="Acquire"/>: another caller holds the lease (its remaining milliseconds second).</summary>
    public const long Held = 3;

    /// <summary>
    /// After a miss: returns the value if one was stored meanwhile (unless ARGV[3] is 1, for a value the caller
    /// already found unusable; with 2, an early refresh's, unless it still begins with ARGV[4], the header of the
    /// entry the refresh is to replace, so a refresh never loads a key another load has stored since); else takes
    /// the lease if nobody holds it; else marks that someone waits.
    /// KEYS: value, lease. ARGV: token, lease milliseconds, ignore value (0/1/2)[, header of the entry to replace].
    /// </summary>
    public const string Acquire = """
        if ARGV[3] ~= '1' then
          local v = redis.pcall('GET', KEYS[1])
          if type(v) == 'string' and (ARGV[3] == '0' or string.sub(v, 1, #ARGV[4]) ~= ARGV[4]) then return {1, v} end
        end
        local holder = redis.call('HGET', KEYS[2], 't')
        if not holder then
          redis.call('HSET', KEYS[2], 't', ARGV[1])
          redis.call('PEXPIRE', KEYS[2], ARGV[2])
          return {2}
        end
        redis.call('HSET', KEYS[2], 'w', '1')
        return {3, redis.call('PTTL', KEYS[2])}
        """;

    /// <summary>
    /// Stores the value only while the caller still holds the lease, then ends the lease and tells waiters.
    /// Returns 1 when stored, 0 when the lease was voided (by an invalidation) or had expired.
    /// KEYS: value, lease. ARGV: token, entry, time to live in milliseconds, channel.
    /// </summary>
    public const string Store = """
        if redis.call('HGET', KEYS[2], 't') ~= ARGV[1] then return 0 end
        local w = redis.call('HGET', KEYS[2], 'w')
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        redis.call('DEL', KEYS[2])
        if w then redis.call('PUBLISH', ARGV[4], KEYS[1]) end
        return 1
        """;

    /// <summary>
    /// Ends the caller's lease without storing (the source threw, the result is not to be cached, or its store was
    /// refused) and tells waiters, so one of them loads at once. Returns 1 when the lease was still the caller's.
    /// Of one key, so it also ends a lease whose slot is moving, wherever the move has taken it.
    /// KEYS: lease. ARGV: token, channel, value key (the notification's message).
    /// </summary>
    public const string Release = """
        if redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then return 0 end
        local w = redis.call('HGET', KEYS[1], 'w')
        redis.call('DEL', KEYS[1])
        if w then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
        return 1
        """;

    /// <summary>
    /// Fail-safe after the source failed: stores the caller's fallback again, only while the key still holds
    /// the very entry the fallback was read from, so an invalidation or a newer store since then wins. With a
    /// lease key, only while the caller holds the lease, which it then ends, telling waiters. Returns 1 when kept.
    /// KEYS: value[, lease]. ARGV: entry, time to live in milliseconds, the entry as it was read, token, channel.
    /// </summary>
    public const string Keep = """
        if #KEYS == 2 and redis.call('HGET', KEYS[2], 't') ~= ARGV[4] then return 0 end
        local v = redis.pcall('GET', KEYS[1])
        local same = type(v) == 'string' and v == ARGV[3]
        if same then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
        if #KEYS == 2 then
          local w = redis.call('HGET', KEYS[2], 'w')
          redis.call('DEL', KEYS[2])
          if w then redis.call('PUBLISH', ARGV[5], KEYS[1]) end
        end
        if same then return 1 end
        return 0
        """;

    /// <summary>
    /// Extends the caller's lease while its load runs. Returns 1 while it is still the caller's, 0 once voided.
    /// KEYS: lease. ARGV: token, lease milliseconds.
    /// </summary>
    public const string Renew = """
        if redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then return 0 end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    /// <summary>
    /// Invalidates entries of one hash slot: deletes each value and voids its lease, so a load that began
    /// before can no longer store, and tells the lease's waiters. KEYS: value, lease, value, lease, ...
    /// ARGV: channel.
    /// </summary>
    public const string Invalidate = """
        for i = 1, #KEYS, 2 do
          local w = redis.pcall('HGET', KEYS[i + 1], 'w')
          redis.call('DEL', KEYS[i], KEYS[i + 1])
          if w == '1' then redis.call('PUBLISH', ARGV[1], KEYS[i]) end
        end
        return 1
        """;

    /// <summary>The SHA1 of <paramref name="script"/>, by which Redis knows a script it has run.</summary>
    [SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "Redis names scripts by their SHA1; nothing is protected by it.")]
    public static byte[] Sha1Of(string script) => s_sha1.GetOrAdd(script, static s => SHA1.HashData(Encoding.UTF8.GetBytes(s)));
}
