using System.Diagnostics;
using System.Text;
using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Benchmarks.Consistency;

/// <summary>
/// The stale-set workload: readers and writers over a few rows of a versioned database, with reads slow
/// enough that a write can commit and invalidate while a read holds the older version. It counts what a
/// user would see: rows the cache serves stale at quiet moments, entries in Redis older than their row,
/// and reads that returned a version older than a write that had completed before the read started —
/// for CacheAside with leases and without, in the same run, interleaved.
/// </summary>
internal static class StaleSet
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Stats.Option(args, "--runs", 3);
        var seconds = Stats.Option(args, "--seconds", 10);
        var readers = Stats.Option(args, "--readers", 16);
        var writers = Stats.Option(args, "--writers", 4);
        var rows = Stats.Option(args, "--rows", 20);
        var checks = Stats.Option(args, "--checks", 10);

        using var redis = RedisServer.Start();
        Console.WriteLine($"Stale-set workload: {readers} readers and {writers} writers over {rows} rows, reads 0–20 ms, {seconds} s a run, a check of every row at each of {checks} quiet moments; {Environment.ProcessorCount} cores, redis-server on loopback.");
        Console.WriteLine();
        Console.WriteLine("| run | mode | reads | hit rate | stale rows at the checks | stale entries in Redis | reads after a completed write that returned older data | read p50 | read p95 |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var results = new List<(bool Leases, Result Result)>();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var leases in run % 2 == 1 ? new[] { true, false } : [false, true])
            {
                var result = await RunOnceAsync(redis.Endpoint, leases, seconds, readers, writers, rows, checks);
                results.Add((leases, result));
                Print(run.ToString(System.Globalization.CultureInfo.InvariantCulture), leases, result, rows * checks);
            }
        }

        foreach (var leases in new[] { true, false })
        {
            var mine = results.Where(r => r.Leases == leases).Select(r => r.Result).ToList();
            var median = new Result(
                (long)Stats.Median(mine.Select(r => (double)r.Reads)),
                Stats.Median(mine.Select(r => r.HitRate)),
                (int)Stats.Median(mine.Select(r => (double)r.StaleRows)),
                (int)Stats.Median(mine.Select(r => (double)r.StaleEntries)),
                Stats.Median(mine.Select(r => r.StaleReadShare)),
                Stats.Median(mine.Select(r => r.P50Micros)),
                Stats.Median(mine.Select(r => r.P95Micros)));
            Print("median", leases, median, rows * checks);
        }

        return 0;
    }

    private static void Print(string run, bool leases, Result r, int checkedRows) =>
        Console.WriteLine($"| {run} | {(leases ? "CacheAside, leases" : "CacheAside, no leases")} | {r.Reads} | {Stats.Number(r.HitRate * 100, "0.0")}% | {r.StaleRows} of {checkedRows} | {r.StaleEntries} | {Stats.Number(r.StaleReadShare * 100, "0.00")}% | {Stats.Micros(r.P50Micros)} | {Stats.Micros(r.P95Micros)} |");

    private static async Task<Result> RunOnceAsync(string endpoint, bool leases, int seconds, int readerCount, int writerCount, int rows, int checks)
    {
        var database = new VersionedDatabase(rows, maxLatencyMs: 20);
        var hits = new HitCounter();
        var prefix = $"stale:{Guid.NewGuid():N}:";
        var builder = new ContainerBuilder();
        builder.RegisterInstance(hits).As<ICacheAsideObserver>();
        builder.RegisterCacheAside(o =>
        {
            o.RedisConfiguration = endpoint;
            o.KeyPrefix = prefix;
            o.UseLeases = leases;
        });
        builder.RegisterInstance(database).As<IVersionedRows>().EnableCacheAside();
        await using var container = builder.Build();
        var cache = container.Resolve<IVersionedRows>();
        var redis = container.Resolve<IConnectionMultiplexer>().GetDatabase();
        var keys = container.Resolve<CacheEngine>().Keys;

        var gate = new QuietGate();
        using var stop = new CancellationTokenSource();
        var latencies = new List<double>[readerCount];
        var staleReads = 0L;
        var reads = 0L;
        var readerTasks = Enumerable.Range(0, readerCount).Select(r => Task.Run(async () =>
        {
            var mine = latencies[r] = new List<double>(100_000);
            while (!stop.IsCancellationRequested)
            {
                await gate.EnterAsync();
                try
                {
                    var id = Random.Shared.Next(rows);
                    var completedBefore = database.Completed(id);
                    var started = Stopwatch.GetTimestamp();
                    var version = await cache.GetAsync(id);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                    Interlocked.Increment(ref reads);
                    if (version < completedBefore)
                    {
                        Interlocked.Increment(ref staleReads);
                    }
                }
                finally
                {
                    gate.Leave();
                }
            }
        })).ToArray();
        var writerTasks = Enumerable.Range(0, writerCount).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await gate.EnterAsync();
                try
                {
                    var id = Random.Shared.Next(rows);
                    database.MarkCompleted(id, await cache.WriteAsync(id));
                }
                finally
                {
                    gate.Leave();
                }

                await Task.Delay(Random.Shared.Next(5, 26));
            }
        })).ToArray();

        var staleRows = 0;
        var staleEntries = 0;
        var interval = TimeSpan.FromSeconds((double)seconds / checks);
        hits.Counting = true;
        for (var check = 0; check < checks; check++)
        {
            await Task.Delay(interval);
            await gate.QuietAsync();
            hits.Counting = false;
            // Loads that lost their callers' interest (none here) or background lease releases settle.
            await Task.Delay(50);
            for (var id = 0; id < rows; id++)
            {
                var current = database.Version(id);
                if (await cache.GetAsync(id) < current)
                {
                    staleRows++;
                }

                var entry = await redis.StringGetAsync(keys.Build($"vrow:{id}"));
                if (!entry.IsNull && StoredVersion(entry) < current)
                {
                    staleEntries++;
                }
            }

            hits.Counting = true;
            gate.Resume();
        }

        await stop.CancelAsync();
        gate.Resume();
        await Task.WhenAll(readerTasks.Concat(writerTasks));
        var all = latencies.SelectMany(l => l).Order().ToList();
        return new Result(reads, hits.HitRate, staleRows, staleEntries, reads == 0 ? 0 : (double)staleReads / reads, Stats.Percentile(all, 0.5), Stats.Percentile(all, 0.95));
    }

    /// <summary>The version an entry holds: its JSON body, a number, after the header's last colon.</summary>
    private static long StoredVersion(RedisValue entry)
    {
        var text = Encoding.UTF8.GetString((byte[])entry!);
        return long.Parse(text[(text.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed record Result(long Reads, double HitRate, int StaleRows, int StaleEntries, double StaleReadShare, double P50Micros, double P95Micros);

    /// <summary>Counts the workload's read outcomes, not the checks'.</summary>
    private sealed class HitCounter : ICacheAsideObserver
    {
        private long _reads;
        private long _hits;

        public volatile bool Counting;

        public double HitRate => Volatile.Read(ref _reads) == 0 ? 0 : (double)Volatile.Read(ref _hits) / Volatile.Read(ref _reads);

        public void OnCall(in CacheAsideEvent cacheEvent)
        {
            if (!Counting || cacheEvent.Operation != CacheOperation.Read)
            {
                return;
            }

            Interlocked.Increment(ref _reads);
            if (cacheEvent.Outcome == CacheOutcome.Hit)
            {
                Interlocked.Increment(ref _hits);
            }
        }
    }

    /// <summary>Lets the workload pause: no operation starts, and the check waits until every one in flight has ended.</summary>
    private sealed class QuietGate
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _open = Open();
        private int _inFlight;
        private TaskCompletionSource? _drained;

        public async Task EnterAsync()
        {
            while (true)
            {
                Task wait;
                lock (_lock)
                {
                    if (_open.Task.IsCompleted)
                    {
                        _inFlight++;
                        return;
                    }

                    wait = _open.Task;
                }

                await wait;
            }
        }

        public void Leave()
        {
            lock (_lock)
            {
                if (--_inFlight == 0)
                {
                    _drained?.TrySetResult();
                }
            }
        }

        public Task QuietAsync()
        {
            lock (_lock)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_inFlight == 0)
                {
                    _drained.TrySetResult();
                }

                return _drained.Task;
            }
        }

        public void Resume()
        {
            lock (_lock)
            {
                _open.TrySetResult();
            }
        }

        private static TaskCompletionSource Open()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }
    }
}
