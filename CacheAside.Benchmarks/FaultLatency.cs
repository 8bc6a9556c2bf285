using System.Diagnostics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Benchmarks;

/// <summary>
/// What CacheAside adds to a call when Redis is down or stops answering. The implementation answers at
/// once, so a call's whole time is what the cache adds; each figure is a median and a 95th percentile
/// over many calls.
/// </summary>
internal static class FaultLatency
{
    private const int PausedCycles = 40;
    private static readonly TimeSpan s_pauseWindow = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = Stats.Option(args, "--calls", 20_000);
        using var redis = RedisServer.Start();
        Console.WriteLine($"CacheAside fault latency: {Environment.ProcessorCount} cores, .NET {Environment.Version}, default RedisTimeout {new CacheAsideOptions().RedisTimeout.TotalMilliseconds} ms.");
        Console.WriteLine("The implementation answers at once: each figure is what the cache adds to a call.");
        Console.WriteLine();
        Console.WriteLine("| scenario | method | calls | median | p95 | max |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");

        using (var healthy = Container.Build(redis.Endpoint))
        {
            await healthy.UntilAsync(c => c.Outcome == CacheOutcome.Hit);
            await Report("Redis healthy, hit (for reference)", healthy, calls);
        }

        using (var open = Container.Build(redis.Endpoint, o => o.CircuitBreakerBreakDuration = TimeSpan.FromMinutes(10)))
        {
            redis.Kill();
            await open.UntilAsync(c => c.Details.HasFlag(CacheEventDetails.CircuitOpen));
            await Report("Redis down, breaker open", open, calls);
            redis.Restart();
        }

        using (var paused = Container.Build(redis.Endpoint))
        {
            // One call per pause, so the breaker stays closed and each call really waits for Redis.
            var sync = new List<double>();
            var async = new List<double>();
            for (var cycle = 0; cycle < PausedCycles; cycle++)
            {
                await paused.UntilAsync(c => c.Outcome == CacheOutcome.Hit);
                redis.Pause();
                try
                {
                    (cycle % 2 == 0 ? sync : async).Add(cycle % 2 == 0 ? Time(() => paused.Quotes.Get("q")) : await TimeAsync(() => paused.Quotes.GetAsync("q")));
                }
                finally
                {
                    redis.Resume();
                }
            }

            Print("Redis paused, breaker closed (each call waits for Redis)", "sync", sync);
            Print("Redis paused, breaker closed (each call waits for Redis)", "async", async);
        }

        using (var sustained = Container.Build(redis.Endpoint))
        {
            await sustained.UntilAsync(c => c.Outcome == CacheOutcome.Hit);
            var sync = new List<double>();
            var async = new List<double>();
            redis.Pause();
            try
            {
                var window = Stopwatch.StartNew();
                while (window.Elapsed < s_pauseWindow)
                {
                    sync.Add(Time(() => sustained.Quotes.Get("q")));
                    async.Add(await TimeAsync(() => sustained.Quotes.GetAsync("q")));
                }
            }
            finally
            {
                redis.Resume();
            }

            Print($"Redis paused for {s_pauseWindow.TotalSeconds:0} s, default options (the breaker opens)", "sync", sync);
            Print($"Redis paused for {s_pauseWindow.TotalSeconds:0} s, default options (the breaker opens)", "async", async);
        }

        return 0;
    }

    private static async Task Report(string scenario, Container container, int calls)
    {
        // Unmeasured first, so compiling the code paths is not what is measured.
        for (var i = 0; i < calls / 10; i++)
        {
            container.Quotes.Get("q");
            await container.Quotes.GetAsync("q");
        }

        var sync = new List<double>(calls);
        var async = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            sync.Add(Time(() => container.Quotes.Get("q")));
            async.Add(await TimeAsync(() => container.Quotes.GetAsync("q")));
        }

        Print(scenario, "sync", sync);
        Print(scenario, "async", async);
    }

    private static double Time(Func<decimal> call)
    {
        var started = Stopwatch.GetTimestamp();
        call();
        return Stopwatch.GetElapsedTime(started).TotalMicroseconds;
    }

    private static async Task<double> TimeAsync(Func<Task<decimal>> call)
    {
        var started = Stopwatch.GetTimestamp();
        await call();
        return Stopwatch.GetElapsedTime(started).TotalMicroseconds;
    }

    private static void Print(string scenario, string method, List<double> microseconds)
    {
        microseconds.Sort();
        Console.WriteLine($"| {scenario} | {method} | {microseconds.Count} | {Stats.Micros(Stats.Percentile(microseconds, 0.5))} | {Stats.Micros(Stats.Percentile(microseconds, 0.95))} | {Stats.Micros(microseconds[^1])} |");
    }

    /// <summary>A container as a user builds it, connecting by itself, with default options unless told.</summary>
    private sealed class Container : IDisposable
    {
        private readonly IContainer _container;
        private readonly LastCall _last = new();

        private Container(string endpoint, Action<CacheAsideOptions>? configure)
        {
            var builder = new ContainerBuilder();
            builder.RegisterInstance(_last).As<ICacheAsideObserver>();
            builder.RegisterCacheAside(o =>
            {
                o.RedisConfiguration = endpoint;
                o.KeyPrefix = $"bench:{Guid.NewGuid():N}:";
                configure?.Invoke(o);
            });
            builder.RegisterType<InstantQuotes>().As<IQuoteSource>().SingleInstance().EnableCacheAside();
            _container = builder.Build();
            Quotes = _container.Resolve<IQuoteSource>();
        }

        public IQuoteSource Quotes { get; }

        public static Container Build(string endpoint, Action<CacheAsideOptions>? configure = null) => new(endpoint, configure);

        /// <summary>Calls until the last call satisfies <paramref name="condition"/> (at most 30 s), then warms both paths.</summary>
        public async Task UntilAsync(Func<LastCall, bool> condition)
        {
            var waited = Stopwatch.StartNew();
            do
            {
                Quotes.Get("q");
                if (condition(_last))
                {
                    await Quotes.GetAsync("q");
                    return;
                }

                await Task.Delay(10);
            }
            while (waited.Elapsed < TimeSpan.FromSeconds(30));

            throw new InvalidOperationException("The expected state was not reached within 30 s.");
        }

        public void Dispose() => _container.Dispose();
    }
}
