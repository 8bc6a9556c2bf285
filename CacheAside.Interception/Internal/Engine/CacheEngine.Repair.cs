using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Diagnostics;
using CacheAside.Interception.Internal.Redis;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Engine;

/// <summary>
/// Invalidations that repair themselves: a key whose invalidation failed (Redis down, over its budget,
/// skipped by the open breaker, out of memory) is invalidated again in the background — value deleted,
/// lease voided — until Redis confirms it, so no entry invalidated during an outage outlives the outage.
/// </summary>
/// <remarks>
/// Writes never wait for it. Keys are kept once each (a later failure of the same key only extends it), at
/// most <see cref="MaxRepairs"/> of them, and each is given up once the longest time to live of any cached
/// method has passed since its failure: by then whatever it could have left stale has expired anyway. While
/// the breaker is open the repairs wait; when it closes they run at once; each failed attempt doubles the
/// pause before the next, up to five seconds.
/// </remarks>
internal sealed partial class CacheEngine
{
    internal const int MaxRepairs = 100_000;
    private const int RepairBatch = 256;

    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_longestRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_whileRefused = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, long> _repairs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _repairSignal = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stopping = new();
    private long _repairWindowTicks;
    private Task? _repairLoop;

    /// <summary>Gets how many keys wait to be invalidated again.</summary>
    internal int PendingRepairs => _repairs.Count;

    /// <summary>Starts the background repairs; <paramref name="longestLifetime"/> is the longest an entry of any method lives.</summary>
    private void StartRepairs(TimeSpan longestLifetime)
    {
        _repairWindowTicks = (long)(longestLifetime.TotalSeconds * _time.TimestampFrequency);
        _repairLoop = Task.Run(RepairLoopAsync);
    }

    private void QueueRepairs(string[] keys)
    {
        // Disposed: the connections are gone and nothing repairs any more (a write finishing during shutdown).
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var until = _time.GetTimestamp() + _repairWindowTicks;
        var queued = 0;
        foreach (var key in keys)
        {
            if (_repairs.Count >= MaxRepairs && !_repairs.ContainsKey(key))
            {
                CacheAsideTelemetry.Repair("overflow", 1);
                continue;
            }

            _repairs.AddOrUpdate(key, until, (_, old) => Math.Max(old, until));
            queued++;
        }

        CacheAsideTelemetry.Repair("queued", queued);
        WakeRepairs();
    }

    /// <summary>Lets the repairs run now (a key was queued, or the breaker closed).</summary>
    internal void WakeRepairs()
    {
        if (_repairSignal.CurrentCount == 0)
        {
            _repairSignal.Release();
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "The background repairs must outlive any failure of one attempt.")]
    private async Task RepairLoopAsync()
    {
        var pause = s_firstRetry;
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (_repairs.IsEmpty || Store.Breaker.IsRefusing)
                {
                    // Woken by a new failure or by the breaker closing; the timeout lets an open breaker's
                    // break pass, after which a repair may be the call that probes Redis.
                    await _repairSignal.WaitAsync(_repairs.IsEmpty ? s_longestRetry : s_whileRefused, stopping).ConfigureAwait(false);
                    continue;
                }

                var now = _time.GetTimestamp();
                var batch = new List<KeyValuePair<string, long>>(RepairBatch);
                foreach (var pending in _repairs)
                {
                    if (pending.Value <= now)
                    {
                        if (_repairs.TryRemove(pending))
                        {
                            CacheAsideTelemetry.Repair("expired", 1);
                        }
                    }
                    else if (batch.Count < RepairBatch)
                    {
                        batch.Add(pending);
                    }
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                var keys = batch.Select(p => p.Key).ToArray();
                var reply = await InvalidateInRedisAsync(keys, sync: false).ConfigureAwait(false);
                if (reply.IsOk)
                {
                    // A key failed again meanwhile has a later deadline: it stays for another attempt.
                    CacheAsideTelemetry.Repair("repaired", batch.Count(p => _repairs.TryRemove(p)));
                    pause = s_firstRetry;
                    continue;
                }

                await Task.Delay(pause, _time, stopping).ConfigureAwait(false);
                pause = pause * 2 < s_longestRetry ? pause * 2 : s_longestRetry;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Telemetry.RepairFailed(ex);
                await Task.Delay(s_longestRetry, _time, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Deletes values and voids leases in Redis: the invalidation script per hash slot, or plain deletes when Redis is out of memory.</summary>
    private async ValueTask<RedisReply> InvalidateInRedisAsync(string[] keys, bool sync)
    {
        var redisKeys = new RedisKey[keys.Length * 2];
        for (var i = 0; i < keys.Length; i++)
        {
            redisKeys[2 * i] = keys[i];
            redisKeys[(2 * i) + 1] = LeaseKey(keys[i]);
        }

        var started = _time.GetTimestamp();
        var reply = await Store.ScriptPerSlotAsync(LeaseScripts.Invalidate, redisKeys, 2, [_channelValue], sync, Options.RedisTimeout, started).ConfigureAwait(false);
        if (reply.Status == ReplyStatus.Refused && RedisErrors.IsOutOfMemory(reply.Error!))
        {
            // A full Redis refuses scripts, but not DEL, which frees memory; waiters then learn by polling. Within the one
            // budget of the invalidation. (Redis 7 runs this script even when full, since it calls no command a full Redis
            // refuses; a server that refuses scripts as such when full still has its keys deleted.)
            reply = await Store.DeletePerSlotAsync(redisKeys, sync, Options.RedisTimeout, started).ConfigureAwait(false);
        }
        else if (!reply.IsOk && RedisErrors.IsSlotMoving(reply.Error!))
        {
            // A slot moving between cluster nodes refuses the script while its value and lease keys are on different
            // nodes (or one of them is on neither), until the move ends; a DEL of one key is redirected to wherever
            // the key is. Leases first, confirmed, then values: a load whose lease outlived its value's delete could
            // store the old value again. Within the one budget of the invalidation; waiters learn by polling.
            var leases = new RedisKey[keys.Length];
            var values = new RedisKey[keys.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                values[i] = redisKeys[2 * i];
                leases[i] = redisKeys[(2 * i) + 1];
            }

            reply = await Store.DeleteEachAsync(leases, values, sync, Options.RedisTimeout, started).ConfigureAwait(false);
        }

        return reply;
    }

    private void StopRepairs()
    {
        _stopping.Cancel();
        _repairLoop?.Wait(TimeSpan.FromSeconds(1));
        _stopping.Dispose();

        // The signal is not disposed: a write or the breaker may still wake it while disposal runs, and a semaphore
        // whose wait handle was never asked for holds nothing to release.
    }
}
