using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CacheAside.Benchmarks.Chaos;

/// <summary>
/// The workload a service puts on the cache — readers over 1,000 rows with a Zipf skew, two writers, a
/// source of 2–5 ms, default options — run through one fault at a time: Redis killed, frozen, refusing
/// writes, out of memory, behind a slow network, beside huge values, and synchronous callers on pool
/// threads. Each scenario reports what callers saw before, during and after the fault.
/// </summary>
internal static class Chaos
{
    private const int Rows = 1000;
    private static readonly TimeSpan s_before = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_during = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_after = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var only = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : null;
        using var redis = RedisServer.Start();
        var budget = new CacheAsideOptions().RedisTimeout;
        Console.WriteLine($"Chaos: 32 async readers (Zipf over {Rows} rows) and 2 writers, source 2–5 ms, default options (budget {budget.TotalMilliseconds:0} ms); {s_before.TotalSeconds:0} s before the fault, {s_during.TotalSeconds:0} s of fault, {s_after.TotalSeconds:0} s after; {Environment.ProcessorCount} cores, .NET {Environment.Version}.");
        Console.WriteLine("Overhead is a call's time minus the source's time for it (a caller that shared another's load counts that load's time as overhead).");
        Console.WriteLine();
        Console.WriteLine("| scenario | calls | threw | hit rate before / during / after | overhead p50 / p99 / max | recovery | stale entries at the end | warnings |");
        Console.WriteLine("| --- | ---: | ---: | --- | --- | ---: | ---: | ---: |");

        foreach (var scenario in Scenarios(redis))
        {
            if (only is not null && scenario.Name != only)
            {
                continue;
            }

            var result = await RunScenarioAsync(redis, scenario);
            Console.WriteLine(result);
        }

        return 0;
    }

    private static IEnumerable<Scenario> Scenarios(RedisServer redis)
    {
        yield return new Scenario("healthy", () => { }, () => { });
        yield return new Scenario("kill", redis.Kill, redis.Restart);
        yield return new Scenario("sigstop", redis.Pause, redis.Resume);
        yield return new Scenario("write-pause", () => Admin(redis, "CLIENT", "PAUSE", ((int)s_during.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "WRITE"), () => Admin(redis, "CLIENT", "UNPAUSE"));
        yield return new Scenario("oom", () => Admin(redis, "CONFIG", "SET", "maxmemory", "1"), () => Admin(redis, "CONFIG", "SET", "maxmemory", "0"));
        yield return new Scenario("slow-network", () => { }, () => { }) { Delay = TimeSpan.FromMilliseconds(80) };
        yield return new Scenario("big-values", () => { }, () => { }) { BigValues = true };
        yield return new Scenario("sync-pool", () => { }, () => { }) { SyncOnPool = true };
        yield return new Scenario("sync-pool-sigstop", redis.Pause, redis.Resume) { SyncOnPool = true };
    }

    private static async Task<string> RunScenarioAsync(RedisServer redis, Scenario scenario)
    {
        Admin(redis, "CONFIG", "SET", "maxmemory-policy", "noeviction");
        using var proxy = scenario.Delay is null ? null : new DelayProxy(redis.Port);
        var catalog = new ChaosCatalog(Rows);
        var logs = new WarningCounter();
        var builder = new ContainerBuilder();
        builder.RegisterInstance(new CallTrace()).As<ICacheAsideObserver>();
        builder.RegisterInstance(logs).As<ILoggerFactory>();
        var prefix = $"chaos:{Guid.NewGuid():N}:";
        builder.RegisterCacheAside(o =>
        {
            o.RedisConfiguration = proxy?.Endpoint ?? redis.Endpoint;
            o.KeyPrefix = prefix;
        });
        builder.RegisterInstance(catalog).As<IChaosCatalog>().EnableCacheAside();
        var container = builder.Build();
        var cache = container.Resolve<IChaosCatalog>();
        var zipf = new Zipf(Rows, 1.0);

        // Warm: every row once, so the scenario starts from a warm cache, as a service that has run a while.
        for (var id = 0; id < Rows; id++)
        {
            await cache.GetAsync(id);
        }

        logs.Reset();
        var calls = new ConcurrentQueue<List<Call>>();
        var threw = 0L;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var readers = new List<Task>();
        for (var r = 0; r < 32; r++)
        {
            readers.Add(Task.Run(async () =>
            {
                var mine = new List<Call>(50_000);
                while (!stop.IsCancellationRequested)
                {
                    var id = zipf.Next();
                    var box = CallTrace.Begin();
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await cache.GetAsync(id);
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref threw);
                    }

                    mine.Add(new Call(clock.Elapsed, Overhead(started, box), box.Outcome == CacheOutcome.Hit));
                }

                calls.Enqueue(mine);
            }));
        }

        if (scenario.SyncOnPool)
        {
            // Synchronous callers on thread-pool threads, as ASP.NET runs a controller that calls a sync
            // repository method: 64 requests in flight, each one call on a pool thread, followed by the next.
            for (var r = 0; r < 64; r++)
            {
                var done = new TaskCompletionSource();
                readers.Add(done.Task);
                ThreadPool.UnsafeQueueUserWorkItem(new SyncRequest(cache, zipf, clock, calls, done, () => Interlocked.Increment(ref threw), stop.Token), preferLocal: false);
            }
        }

        var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await cache.WriteAsync(zipf.Next());
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref threw);
                }

                await Task.Delay(10);
            }
        })).ToList();

        var bigValues = new List<Task>();
        await Task.Delay(s_before);
        scenario.Inject();
        if (scenario.Delay is { } delay)
        {
            proxy!.Delay = delay;
        }

        using var faultOver = new CancellationTokenSource();
        if (scenario.BigValues)
        {
            foreach (var size in new[] { 2 << 20, 10 << 20 })
            {
                bigValues.Add(Task.Run(async () =>
                {
                    while (!faultOver.IsCancellationRequested)
                    {
                        await cache.BlobAsync(size);
                    }
                }));
            }
        }

        await Task.Delay(s_during);
        await faultOver.CancelAsync();
        await Task.WhenAll(bigValues);
        if (proxy is not null)
        {
            proxy.Delay = TimeSpan.Zero;
        }

        scenario.Heal();
        var healedAt = clock.Elapsed;
        await Task.Delay(s_after);
        await stop.CancelAsync();
        await Task.WhenAll(readers.Concat(writers));

        // Quiet: let background repairs land, then count entries older than their row.
        var engine = container.Resolve<CacheEngine>();
        var settle = Stopwatch.StartNew();
        while (engine.PendingRepairs > 0 && settle.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        var stale = await StaleEntriesAsync(redis, engine, catalog);
        var warnings = logs.Warnings;
        await container.DisposeAsync();

        var all = calls.SelectMany(c => c).ToList();
        var faultStart = s_before;
        var faultEnd = healedAt;
        double Rate(Func<Call, bool> phase)
        {
            var inPhase = all.Where(phase).ToList();
            return inPhase.Count == 0 ? double.NaN : 100.0 * inPhase.Count(c => c.Hit) / inPhase.Count;
        }

        var before = Rate(c => c.At < faultStart);
        var during = Rate(c => c.At >= faultStart && c.At < faultEnd);
        var after = Rate(c => c.At >= faultEnd);
        var overheads = all.Select(c => c.OverheadMicros).Order().ToList();
        var firstHitAfter = all.Where(c => c.At >= faultEnd && c.Hit).Select(c => c.At).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        var recovery = firstHitAfter == TimeSpan.MaxValue ? "none" : Stats.Micros((firstHitAfter - faultEnd).TotalMicroseconds);
        return $"| {scenario.Name} | {all.Count} | {threw} | {Stats.Number(before, "0.0")}% / {Stats.Number(during, "0.0")}% / {Stats.Number(after, "0.0")}% | {Stats.Micros(Stats.Percentile(overheads, 0.5))} / {Stats.Micros(Stats.Percentile(overheads, 0.99))} / {Stats.Micros(overheads[^1])} | {recovery} | {stale} | {warnings} |";
    }

    private static double Overhead(long started, CallTrace.Box box)
    {
        var elapsed = Stopwatch.GetTimestamp() - started - box.SourceTicks;
        return Math.Max(0, elapsed) * 1_000_000.0 / Stopwatch.Frequency;
    }

    private static async Task<int> StaleEntriesAsync(RedisServer redis, CacheEngine engine, ChaosCatalog catalog)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var database = connection.GetDatabase();
        var stale = 0;
        for (var id = 0; id < catalog.Rows; id++)
        {
            var entry = await database.StringGetAsync(engine.Keys.Build($"row:{id}"));
            if (entry.IsNull)
            {
                continue;
            }

            var text = Encoding.UTF8.GetString((byte[])entry!);
            var row = JsonSerializer.Deserialize<RowVersion>(text[text.IndexOf('{', StringComparison.Ordinal)..]);
            if (row!.Version < catalog.Version(id))
            {
                stale++;
            }
        }

        return stale;
    }

    private static void Admin(RedisServer redis, params string[] command)
    {
        using var connection = ConnectionMultiplexer.Connect(redis.Endpoint + ",allowAdmin=true");
        connection.GetDatabase().Execute(command[0], command[1..]);
    }

    /// <summary>One synchronous request after another, each a work item on the thread pool.</summary>
    private sealed class SyncRequest(IChaosCatalog cache, Zipf zipf, Stopwatch clock, ConcurrentQueue<List<Call>> calls, TaskCompletionSource done, Action threw, CancellationToken stop) : IThreadPoolWorkItem
    {
        private readonly List<Call> _mine = new(50_000);

        public void Execute()
        {
            if (stop.IsCancellationRequested)
            {
                calls.Enqueue(_mine);
                done.TrySetResult();
                return;
            }

            var box = CallTrace.Begin();
            var started = Stopwatch.GetTimestamp();
            try
            {
                cache.Get(zipf.Next());
            }
            catch (Exception)
            {
                threw();
            }

            _mine.Add(new Call(clock.Elapsed, Overhead(started, box), box.Outcome == CacheOutcome.Hit));
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    private readonly record struct Call(TimeSpan At, double OverheadMicros, bool Hit);

    private sealed record Scenario(string Name, Action Inject, Action Heal)
    {
        public TimeSpan? Delay { get; init; }

        public bool BigValues { get; init; }

        public bool SyncOnPool { get; init; }
    }

    /// <summary>Ranks drawn with probability proportional to 1 / rank^skew.</summary>
    private sealed class Zipf
    {
        private readonly double[] _cumulative;

        public Zipf(int count, double skew)
        {
            _cumulative = new double[count];
            var sum = 0.0;
            for (var i = 0; i < count; i++)
            {
                sum += 1.0 / Math.Pow(i + 1, skew);
                _cumulative[i] = sum;
            }

            for (var i = 0; i < count; i++)
            {
                _cumulative[i] /= sum;
            }
        }

        public int Next()
        {
            var index = Array.BinarySearch(_cumulative, Random.Shared.NextDouble());
            return Math.Min(index < 0 ? ~index : index, _cumulative.Length - 1);
        }
    }

    /// <summary>Counts what CacheAside logs at Warning and above.</summary>
    private sealed class WarningCounter : ILoggerFactory, ILogger
    {
        private int _warnings;

        public int Warnings => Volatile.Read(ref _warnings);

        public void Reset() => Volatile.Write(ref _warnings, 0);

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                Interlocked.Increment(ref _warnings);
            }
        }
    }
}
