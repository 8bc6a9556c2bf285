using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// The only code that talks to Redis. Each command comes back as a <see cref="RedisReply"/>, never as an
/// exception: a Redis failure is a fact the caller of a repository must never see. Every command passes
/// the container's <see cref="CircuitBreaker"/> and is bounded by the time budget.
/// </summary>
/// <remarks>
/// <para>
/// Synchronous and asynchronous callers differ in one place only, <see cref="Complete{TResult}"/>: an
/// async caller awaits the command with its budget; a sync caller blocks on it with the same budget, on the same
/// clock (<see cref="ClockedWait"/>). The blocking wait is released by StackExchange.Redis's reader as soon as
/// the reply is parsed, without any thread-pool work, so sync callers keep working when the pool is starved —
/// provided the reader itself does not run on the pool, which is why the multiplexer CacheAside creates has its own socket threads.
/// </para>
/// <para>
/// Reads (<c>GET</c>) and writes (scripts, <c>SET</c>) can go to two multiplexers, so that a paused or
/// slow write (<c>CLIENT PAUSE WRITE</c>, a large value) never queues the reads behind it on one
/// connection. <see cref="IDatabase"/> is taken per command, as StackExchange.Redis recommends; the
/// multiplexers belong to the container and are never disposed here.
/// </para>
/// </remarks>
internal sealed partial class RedisStore : IDisposable
{
    private static readonly TimeSpan s_firstSlotMovingPause = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan s_longestSlotMovingPause = TimeSpan.FromMilliseconds(40);

    private readonly IConnectionMultiplexer _reads;
    private readonly IConnectionMultiplexer _writes;
    private readonly int _database;
    private readonly CircuitBreaker _breaker;
    private readonly TimeProvider _time;
    private readonly BudgetClock _clock;
    private readonly int _coalesceAbove;
    private readonly TimeSpan _budget;
    private readonly ConcurrentDictionary<string, bool> _scriptsRun = new(StringComparer.Ordinal);

    public RedisStore(IConnectionMultiplexer reads, IConnectionMultiplexer writes, int database, CircuitBreaker breaker, TimeProvider time, TimeSpan budget, int coalesceAbove)
    {
        _coalesceAbove = coalesceAbove == 0 ? int.MaxValue : coalesceAbove;
        _budget = budget;
        _clock = new BudgetClock(time, budget);
        _reads = reads;
        _writes = writes;
        _database = database;
        _breaker = breaker;
        _time = time;
    }

    /// <summary>Gets the multiplexer of reads: the one the container exposes.</summary>
    public IConnectionMultiplexer Connection => _reads;

    /// <summary>Gets the multiplexer of writes, scripts and notifications.</summary>
    public IConnectionMultiplexer Writes => _writes;

    public CircuitBreaker Breaker => _breaker;

    public void Dispose() => _clock.Dispose();

    /// <summary><c>GET key</c>: the hit path, one command, no script; the value comes in pooled memory (<see cref="RedisReply.Lease"/>).</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="sync">Whether to wait in the mode that completes synchronously.</param>
    /// <param name="budget">How long to wait for the answer.</param>
    /// <param name="started">When the budget began, a <see cref="TimeProvider"/> timestamp: the call's start.</param>
    public ValueTask<RedisReply> GetAsync(RedisKey key, bool sync, TimeSpan budget, long started)
    {
        var sent = Send(static (db, s) => s.store.SendGet(db, s.key, s.sync), _reads, (store: this, key, sync), started);
        return Complete(sent, sync, budget, TakeBatch());
    }

    /// <summary>
    /// <c>PING</c> on the connection of reads, through the breaker: once a break is over, the breaker's probe, whose
    /// answer closes it (or opens it for another break). What a health check sends when no call has probed Redis yet.
    /// </summary>
    public ValueTask<RedisReply> ProbeAsync(TimeSpan budget) =>
        Complete(Send(static (db, _) => db.ExecuteAsync("PING"), _reads, 0), sync: false, budget);

    /// <summary><c>SET key value PX ttl</c>, replacing whatever the key holds: the store when leases are off.</summary>
    public ValueTask<RedisReply> SetAsync(RedisKey key, RedisValue value, TimeSpan ttl, bool sync, TimeSpan budget) =>
        Complete(Send(static (db, s) => db.ExecuteAsync("SET", s.key, s.value, "PX", s.ms), _writes, (key, value, ms: Milliseconds(ttl))), sync, budget);

    /// <summary>
    /// Runs one of CacheAside's Lua scripts on the keys of one hash slot (see <see cref="SendScript"/>). While the slot
    /// moves between cluster nodes, a script of several keys is refused (<c>TRYAGAIN</c>) until they are on one node
    /// again, which a resharding does within milliseconds: it is sent again, after pauses that grow, until it runs or
    /// the first half of <paramref name="budget"/>, counted from the first send, has passed. The refusal is then the reply.
    /// </summary>
    public async ValueTask<RedisReply> ScriptAsync(string script, RedisKey[] keys, RedisValue[] values, bool sync, TimeSpan budget)
    {
        var started = _time.GetTimestamp();
        var pause = s_firstSlotMovingPause;
        while (true)
        {
            // Sent again only while half the budget is left after the pause: a send with a sliver of it would end as a
            // timeout, a failure the breaker counts, where Redis had only said where the slot is.
            var reply = await ScriptOnceAsync(script, keys, values, sync, budget, started).ConfigureAwait(false);
            if (reply.IsOk || !RedisErrors.IsSlotMoving(reply.Error!) || budget - _time.GetElapsedTime(started) - pause < budget / 2)
            {
                return reply;
            }

            if (sync)
            {
                Thread.Sleep(pause);
            }
            else
            {
                await Task.Delay(pause, _time).ConfigureAwait(false);
            }

            pause = pause * 2 < s_longestSlotMovingPause ? pause * 2 : s_longestSlotMovingPause;
        }
    }

    /// <summary>
    /// Runs <paramref name="script"/> once per hash slot of <paramref name="keys"/>, with that slot's keys
    /// (in groups of <paramref name="keysPerEntry"/> that belong together), all sent before any is awaited:
    /// one round trip on a single server, and never a command that spans slots on a cluster. The reply is
    /// the worst of the replies. A slot that is moving is not waited for: the invalidation has a way that follows
    /// the move (<see cref="DeleteEachAsync(RedisKey[], RedisKey[], bool, TimeSpan, long)"/>) and needs the budget for it,
    /// which began at <paramref name="started"/>.
    /// </summary>
    public async ValueTask<RedisReply> ScriptPerSlotAsync(string script, RedisKey[] keys, int keysPerEntry, RedisValue[] values, bool sync, TimeSpan budget, long started)
    {
        var groups = GroupBySlot(keys, keysPerEntry);
        if (groups.Count == 1)
        {
            return await ScriptOnceAsync(script, groups[0], values, sync, budget, started).ConfigureAwait(false);
        }

        var byText = !_scriptsRun.ContainsKey(script);
        var sent = new Sent<RedisResult>[groups.Count];
        for (var i = 0; i < groups.Count; i++)
        {
            sent[i] = SendScript(script, groups[i], values, byText, started);
        }

        var worst = default(RedisReply);
        for (var i = 0; i < sent.Length; i++)
        {
            var reply = await ScriptAnsweredAsync(sent[i], byText, script, groups[i], values, sync, budget, started).ConfigureAwait(false);
            if (i == 0 || Rank(reply.Status) > Rank(worst.Status))
            {
                worst = reply;
            }
        }

        return worst;
    }

    /// <summary>
    /// <c>DEL</c> of <paramref name="keys"/>, one command per hash slot, all sent at once: the invalidation
    /// that still works when Redis is out of memory and refuses scripts. Within the budget that began at
    /// <paramref name="started"/>, the refused script's send: the caller waits one budget for an invalidation, never two.
    /// </summary>
    public async ValueTask<RedisReply> DeletePerSlotAsync(RedisKey[] keys, bool sync, TimeSpan budget, long started)
    {
        var groups = GroupBySlot(keys, 1);
        var sent = new Sent<RedisResult>[groups.Count];
        for (var i = 0; i < groups.Count; i++)
        {
            // ExecuteAsync, not KeyDeleteAsync, so the reply is a RedisResult that Complete knows: no
            // continuation (which would need the thread pool) between the reply and a synchronous waiter.
            sent[i] = Send(static (db, k) => db.ExecuteAsync("DEL", k.Cast<object>().ToArray()), _writes, groups[i], started);
        }

        return await WorstAsync(sent, sync, budget).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>DEL</c> of each key by itself, all of <paramref name="first"/> confirmed before any of <paramref name="then"/> is
    /// sent; one budget, counted from <paramref name="started"/>, for all of it. The invalidation of a slot that is moving
    /// between cluster nodes: a command of one key is redirected to the node that has it (<c>ASK</c>), where a command
    /// of several keys is refused until the move ends (<c>TRYAGAIN</c>).
    /// </summary>
    public async ValueTask<RedisReply> DeleteEachAsync(RedisKey[] first, RedisKey[] then, bool sync, TimeSpan budget, long started)
    {
        var reply = await DeleteEachAsync(first, sync, budget, started).ConfigureAwait(false);
        return reply.IsOk ? await DeleteEachAsync(then, sync, budget, started).ConfigureAwait(false) : reply;
    }

    /// <summary>A time to live as Redis takes it: whole milliseconds, never rounded down to zero.</summary>
    public static long Milliseconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalMilliseconds));

    private async ValueTask<RedisReply> DeleteEachAsync(RedisKey[] keys, bool sync, TimeSpan budget, long started)
    {
        var sent = new Sent<RedisResult>[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            sent[i] = Send(static (db, k) => db.ExecuteAsync("DEL", k), _writes, (object)keys[i], started);
        }

        return await WorstAsync(sent, sync, budget).ConfigureAwait(false);
    }

    /// <summary>Waits for commands sent together, in turn, each within <paramref name="budget"/>: the worst of their replies.</summary>
    private async ValueTask<RedisReply> WorstAsync(Sent<RedisResult>[] sent, bool sync, TimeSpan budget)
    {
        var worst = default(RedisReply);
        for (var i = 0; i < sent.Length; i++)
        {
            var reply = await Complete(sent[i], sync, budget).ConfigureAwait(false);
            if (i == 0 || Rank(reply.Status) > Rank(worst.Status))
            {
                worst = reply;
            }
        }

        return worst;
    }

    /// <summary>Sends a script once, with a budget that began at <paramref name="started"/>, and waits for its reply.</summary>
    private ValueTask<RedisReply> ScriptOnceAsync(string script, RedisKey[] keys, RedisValue[] values, bool sync, TimeSpan budget, long started)
    {
        var byText = !_scriptsRun.ContainsKey(script);
        return ScriptAnsweredAsync(SendScript(script, keys, values, byText, started), byText, script, keys, values, sync, budget, started);
    }

    /// <summary>
    /// The reply of a script sent by <see cref="SendScript"/>: sent by SHA1 to a server that did not know it
    /// (a restart, a failover, another node of a cluster), it is sent again by its text, within what is left of
    /// the first sending's budget — the caller waits one budget for a script, never two; once Redis has run it
    /// from its text, this store sends it by SHA1.
    /// </summary>
    private async ValueTask<RedisReply> ScriptAnsweredAsync(Sent<RedisResult> sent, bool byText, string script, RedisKey[] keys, RedisValue[] values, bool sync, TimeSpan budget, long started)
    {
        var reply = await Complete(sent, sync, budget).ConfigureAwait(false);
        if (!byText && RedisErrors.IsNoScript(reply))
        {
            byText = true;
            reply = await Complete(SendScript(script, keys, values, byText: true, started), sync, budget).ConfigureAwait(false);
        }

        if (byText && (reply.IsOk || (reply.Status == ReplyStatus.Refused && !RedisErrors.IsAboutTheSlot(reply.Error!))))
        {
            _scriptsRun.TryAdd(script, true);
        }

        return reply;
    }

    /// <summary>
    /// Sends a script by its SHA1 (<c>EVALSHA</c>), or <paramref name="byText"/> (<c>EVAL</c>), which also makes the
    /// server know it. Neither goes through StackExchange.Redis's <c>ScriptEvaluateAsync(string)</c>, an async
    /// method whose task completes on the thread pool: these tasks are completed by the connection's reader
    /// itself, so a synchronous caller waiting for one needs no pool thread. Its budget began at <paramref name="started"/>.
    /// </summary>
    private Sent<RedisResult> SendScript(string script, RedisKey[] keys, RedisValue[] values, bool byText, long started) =>
        Send(
            static (db, s) => s.byText
                ? db.ExecuteAsync("EVAL", [s.script, s.keys.Length, .. s.keys.Cast<object>(), .. s.values.Cast<object>()])
                : db.ScriptEvaluateAsync(LeaseScripts.Sha1Of(s.script), s.keys, s.values),
            _writes,
            (script, keys, values, byText),
            started);

    /// <summary>Issues one command whose budget begins now; see the overload.</summary>
    private Sent<TResult> Send<TState, TResult>(Func<IDatabase, TState, Task<TResult>> command, IConnectionMultiplexer connection, TState state) =>
        Send(command, connection, state, _time.GetTimestamp());

    /// <summary>Issues one command, whose budget began at <paramref name="started"/>, unless the breaker says not to; never throws.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Every Redis failure becomes a reply; none may reach the caller.")]
    private Sent<TResult> Send<TState, TResult>(Func<IDatabase, TState, Task<TResult>> command, IConnectionMultiplexer connection, TState state, long started)
    {
        if (!_breaker.TryAcquire(out var probe))
        {
            return new(null, RedisReply.Failure(ReplyStatus.Skipped, RedisErrors.CircuitOpen), false, 0);
        }

        try
        {
            return new(command(connection.GetDatabase(_database), state), default, probe, started);
        }
        catch (Exception ex)
        {
            return new(null, Finish(ex, probe, started), probe, started);
        }
    }

    /// <summary>
    /// Waits for a sent command, at most <paramref name="budget"/>: the one place sync and async differ. <paramref name="batch"/>
    /// is the batch of <c>GET</c>s the command went into, if any (see <c>.Coalescing.cs</c>).
    /// </summary>
    private ValueTask<RedisReply> Complete<TResult>(in Sent<TResult> sent, bool sync, TimeSpan budget, GetBatch? batch = null)
    {
        if (sent.Task is not { } pending)
        {
            return new(sent.Early);
        }

        if (pending.IsCompleted)
        {
            return new(Finish(pending, sent.Probe, sent.Started));
        }

        if (sync)
        {
            // Released by the reader thread that parses the reply: no thread-pool work is needed. The budget counts
            // from the command's start on the configured clock, as an asynchronous wait's deadline does: commands sent
            // together (one per hash slot) and waited for in turn share one budget, not one each.
            var answered = ClockedWait.Block(pending, _time, sent.Started, budget);
            return new(answered ? Finish(pending, sent.Probe, sent.Started) : TimedOut(pending, budget, sent.Probe, sent.Started));
        }

        return _clock.Rent().Start(this, pending, sent.Probe, sent.Started, budget, batch);
    }

    /// <summary>What a command sent at <paramref name="started"/> and answered in time came back with, recorded in the breaker.</summary>
    internal RedisReply Finish(Task done, bool probe, long started)
    {
        if (done.IsCompletedSuccessfully)
        {
            _breaker.Succeeded(probe, started);
            return done switch
            {
                Task<Lease<byte>?> lease => RedisReply.Answered(lease.Result),
                Task<RedisValue> value => RedisReply.Answered(value.Result),
                Task<RedisResult> result => RedisReply.Answered(result.Result),
                _ => throw new InvalidOperationException("Unexpected Redis result type."),
            };
        }

        var error = done.Exception?.InnerExceptions is [var single] ? single : (Exception?)done.Exception ?? new TaskCanceledException();
        return Finish(error, probe, started);
    }

    private RedisReply Finish(Exception error, bool probe, long started)
    {
        var status = RedisErrors.Classify(error);
        if (status == ReplyStatus.Failed)
        {
            _breaker.Failed(probe, error);
        }
        else
        {
            _breaker.Succeeded(probe, started);
        }

        return RedisReply.Failure(status, error);
    }

    /// <summary>A command that did not answer within its budget: a failure, and the command goes on unwatched.</summary>
    internal RedisReply TimedOut(Task pending, TimeSpan budget, bool probe, long started)
    {
        LeaveUnwatched(pending);
        return Finish(RedisErrors.BudgetExceeded(budget), probe, started);
    }

    /// <summary>
    /// A <c>GET</c> whose batch was still waiting for a thread-pool thread at its deadline: a failure for its caller, but
    /// not Redis's, so the breaker is not told (a starved pool must not switch the cache off). It goes on unwatched.
    /// </summary>
    internal static RedisReply Unsent(Task pending, TimeSpan budget)
    {
        LeaveUnwatched(pending);
        return RedisReply.Failure(ReplyStatus.Failed, RedisErrors.NotSent(budget));
    }

    /// <summary>
    /// A command nobody waits for any more: its later error must not surface as an unobserved task exception, and a
    /// late value's pooled buffer goes back to the pool.
    /// </summary>
    private static void LeaveUnwatched(Task pending) => pending.ContinueWith(
        static t =>
        {
            if (t is Task<Lease<byte>?> { IsCompletedSuccessfully: true } lease)
            {
                lease.Result?.Dispose();
            }
            else
            {
                _ = t.Exception;
            }
        },
        CancellationToken.None,
        TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);

    private List<RedisKey[]> GroupBySlot(RedisKey[] keys, int keysPerEntry)
    {
        var bySlot = new Dictionary<int, List<RedisKey>>();
        for (var i = 0; i < keys.Length; i += keysPerEntry)
        {
            var slot = _writes.HashSlot(keys[i]);
            if (!bySlot.TryGetValue(slot, out var group))
            {
                bySlot[slot] = group = [];
            }

            for (var j = 0; j < keysPerEntry; j++)
            {
                group.Add(keys[i + j]);
            }
        }

        return bySlot.Values.Select(g => g.ToArray()).ToList();
    }

    private static int Rank(ReplyStatus status) => status switch
    {
        ReplyStatus.Ok => 0,
        ReplyStatus.Refused => 1,
        ReplyStatus.Skipped => 2,
        _ => 3,
    };

    /// <summary>A command as issued: its task, or the reply it already has when it was never sent or failed at once.</summary>
    private readonly record struct Sent<TResult>(Task<TResult>? Task, RedisReply Early, bool Probe, long Started);
}
