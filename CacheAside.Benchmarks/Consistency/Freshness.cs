using System.Collections.Concurrent;
using System.Diagnostics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Benchmarks.Consistency;

/// <summary>
/// Fresh under load: 32 callers read a hot key (or a Zipf-distributed set of keys) with a time to live of
/// 2 s for 10 s against a source of 100 ms. First the expiry cliff, with early refresh off and on: how many
/// calls wait for the source, how often it is called, and the latency a caller sees. Then a source outage of
/// 5 s in the middle of the run, with fail-safe off and on: calls that failed, answers past their time to
/// live, and how old the oldest answer was. Each answer carries when the source made it, so ages are measured, not inferred.
/// </summary>
internal static class Freshness
{
    private const int Callers = 32;
    private const int ZipfKeys = 200;
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_sourceLatency = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_failSafeWindow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_think = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan s_softTimeout = TimeSpan.FromMilliseconds(50);

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Stats.Option(args, "--seconds", 10);
        var duration = TimeSpan.FromSeconds(seconds);
        using var redis = RedisServer.Start();
        Console.WriteLine($"Freshness: {Callers} callers, {s_think.TotalMilliseconds:0} ms between a caller's calls, TTL {s_ttl.TotalSeconds:0} s, {seconds} s per run, source latency {s_sourceLatency.TotalMilliseconds:0} ms; hot = one key, zipf = {ZipfKeys} keys (s = 1); {Environment.ProcessorCount} cores, redis-server on loopback.");
        Console.WriteLine($"\"slow\" = calls slower than half the source latency; \"stale\" = answers flagged stale (fail-safe); age = now − when the source made the answer.");
        Console.WriteLine($"Fail-safe: window {s_failSafeWindow.TotalSeconds:0} s, throttle 1 s (the default); with the hanging source also a soft timeout of {s_softTimeout.TotalMilliseconds:0} ms. The outage starts a quarter into the run.");
        Console.WriteLine();
        Console.WriteLine("| run | keys | early refresh | fail-safe | outage | calls | failed | slow | source calls | hottest key: source calls per TTL | p50 | p99 | max | stale | oldest answer |");
        Console.WriteLine("| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var zipf in new[] { false, true })
        {
            foreach (var early in new[] { false, true })
            {
                await RunOnceAsync(redis.Endpoint, "expiry", zipf, early, failSafe: false, Outage.None, duration);
            }
        }

        foreach (var outage in new[] { Outage.Throws, Outage.Hangs })
        {
            foreach (var failSafe in new[] { false, true })
            {
                await RunOnceAsync(redis.Endpoint, "outage", zipf: true, early: true, failSafe, outage, duration);
            }
        }

        return 0;
    }

    private static async Task RunOnceAsync(string endpoint, string name, bool zipf, bool early, bool failSafe, Outage outage, TimeSpan duration)
    {
        var source = new Readings(s_sourceLatency);
        var stale = new StaleCounter();
        var builder = new ContainerBuilder();
        builder.RegisterInstance(stale).As<ICacheAsideObserver>();
        builder.RegisterCacheAside(o =>
        {
            o.RedisConfiguration = endpoint;
            o.KeyPrefix = $"freshness:{Guid.NewGuid():N}:";
            o.EarlyRefreshBeta = early ? 1 : 0;
            o.FailSafeWindow = failSafe ? s_failSafeWindow : TimeSpan.Zero;
            o.SourceSoftTimeout = failSafe && outage == Outage.Hangs ? s_softTimeout : Timeout.InfiniteTimeSpan;
        });
        builder.RegisterInstance(source).As<IReadings>().EnableCacheAside();
        await using var container = builder.Build();
        var readings = container.Resolve<IReadings>();
        var keys = zipf ? ZipfKeys : 1;
        var cdf = ZipfCdf(keys);

        // Warm: every key loaded once, so what follows is a warm cache meeting its expiries.
        await Task.WhenAll(Enumerable.Range(0, keys).Select(k => readings.GetAsync(k)));
        source.Reset();
        stale.Reset();

        var started = Stopwatch.GetTimestamp();
        var outageFrom = duration * 0.25;
        var outageTo = outageFrom + TimeSpan.FromSeconds(5);
        using var outageTimer = outage == Outage.None ? null : new Timer(_ => source.Failing = outage, null, outageFrom, Timeout.InfiniteTimeSpan);
        using var recoveryTimer = outage == Outage.None ? null : new Timer(_ => source.Failing = Outage.None, null, outageTo, Timeout.InfiniteTimeSpan);
        var results = await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            var random = new Random(caller);
            var mine = new CallerResult();
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var key = Pick(cdf, random);
                var callStarted = Stopwatch.GetTimestamp();
                try
                {
                    var reading = await readings.GetAsync(key);
                    mine.Ages.Add(Stopwatch.GetElapsedTime(reading.MadeAt).TotalMilliseconds);
                }
                catch (InvalidOperationException)
                {
                    mine.Failed++;
                }

                mine.Latencies.Add(Stopwatch.GetElapsedTime(callStarted).TotalMicroseconds);
                await Task.Delay(s_think);
            }

            return mine;
        })));
        source.Failing = Outage.None;

        var latencies = results.SelectMany(r => r.Latencies).Order().ToList();
        var oldest = results.SelectMany(r => r.Ages).DefaultIfEmpty(0).Max();
        var slow = latencies.Count(l => l > s_sourceLatency.TotalMicroseconds / 2);
        var perTtl = source.HottestCalls / (duration / s_ttl);
        Console.WriteLine($"| {name} | {(zipf ? "zipf" : "hot")} | {(early ? "on" : "off")} | {(failSafe ? "on" : "off")} | {Describe(outage)} | {latencies.Count} | {results.Sum(r => r.Failed)} | {slow} | {source.Calls} | {Stats.Number(perTtl, "0.0")} | {Stats.Micros(Stats.Percentile(latencies, 0.5))} | {Stats.Micros(Stats.Percentile(latencies, 0.99))} | {Stats.Micros(latencies[^1])} | {stale.Count} | {Stats.Number(oldest / 1000, "0.00")} s |");
    }

    private static string Describe(Outage outage) => outage switch
    {
        Outage.Throws => "5 s, throws",
        Outage.Hangs => "5 s, hangs",
        _ => "none",
    };

    private static double[] ZipfCdf(int keys)
    {
        var weights = Enumerable.Range(1, keys).Select(rank => 1.0 / rank).ToArray();
        var total = weights.Sum();
        var cdf = new double[keys];
        var running = 0.0;
        for (var i = 0; i < keys; i++)
        {
            running += weights[i] / total;
            cdf[i] = running;
        }

        return cdf;
    }

    private static int Pick(double[] cdf, Random random)
    {
        var at = Array.BinarySearch(cdf, random.NextDouble());
        return Math.Min(at < 0 ? ~at : at, cdf.Length - 1);
    }

    internal enum Outage
    {
        None,
        Throws,
        Hangs,
    }

    /// <summary>A source of 100 ms that counts its calls per key, and fails on demand: by throwing, or by hanging until it recovers.</summary>
    private sealed class Readings(TimeSpan latency) : IReadings
    {
        private readonly ConcurrentDictionary<int, int> _calls = new();
        private volatile TaskCompletionSource _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile int _failing;

        public Outage Failing
        {
            get => (Outage)_failing;
            set
            {
                if (value == Outage.None)
                {
                    _recovered.TrySetResult();
                }
                else
                {
                    _recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                _failing = (int)value;
            }
        }

        public int Calls => _calls.Values.Sum();

        public int HottestCalls => _calls.TryGetValue(0, out var calls) ? calls : 0;

        public void Reset() => _calls.Clear();

        public async Task<Reading> GetAsync(int key)
        {
            _calls.AddOrUpdate(key, 1, (_, n) => n + 1);
            await Task.Delay(latency);
            switch (Failing)
            {
                case Outage.Throws:
                    throw new InvalidOperationException("The database is unavailable.");
                case Outage.Hangs:
                    await _recovered.Task;
                    break;
            }

            return new Reading(key, Stopwatch.GetTimestamp());
        }
    }

    private sealed class CallerResult
    {
        public List<double> Latencies { get; } = [];

        public List<double> Ages { get; } = [];

        public int Failed { get; set; }
    }

    /// <summary>Counts the answers fail-safe flagged stale, as a user's observer would.</summary>
    private sealed class StaleCounter : ICacheAsideObserver
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Volatile.Write(ref _count, 0);

        public void OnCall(in CacheAsideEvent cacheEvent)
        {
            if ((cacheEvent.Details & CacheEventDetails.Stale) != 0)
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}

/// <summary>A reading and when the source made it, a <see cref="Stopwatch"/> timestamp.</summary>
public sealed record Reading(int Key, long MadeAt);

/// <summary>The cached read of the freshness runs (a proxied interface must be public).</summary>
public interface IReadings
{
    [Cached("reading:{key}", TtlSeconds = 2)]
    Task<Reading> GetAsync(int key);
}
