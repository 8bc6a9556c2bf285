using System.Diagnostics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Benchmarks.Consistency;

/// <summary>
/// A cold hot key: 100 callers at once on a key nobody has loaded, spread over 1 or 4 containers (each with
/// its own multiplexers, as separate processes have), against a source of 100 ms. With leases the source
/// is called once and every caller gets the value about when that one call returns.
/// </summary>
internal static class Stampede
{
    private static readonly TimeSpan s_sourceLatency = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Stats.Option(args, "--runs", 3);
        var callers = Stats.Option(args, "--callers", 100);
        using var redis = RedisServer.Start();
        Console.WriteLine($"Stampede: {callers} callers at once on one cold key, source latency {s_sourceLatency.TotalMilliseconds:0} ms, {runs} runs each; {Environment.ProcessorCount} cores, redis-server on loopback.");
        Console.WriteLine();
        Console.WriteLine("| containers | leases | run | source calls | p50 | p95 | max | source alone p95 | p95 / source alone |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var containers in new[] { 1, 4 })
        {
            foreach (var leases in new[] { true, false })
            {
                for (var run = 1; run <= runs; run++)
                {
                    // The source alone, called by as many callers at once, in the same moment of the run: the
                    // timer that makes its 100 ms is itself late by a few milliseconds, more so on a busy machine.
                    var alone = Stats.Percentile(await Concurrently(callers, new SlowQuotes(s_sourceLatency).GetAsync), 0.95);
                    var (calls, latencies) = await RunOnceAsync(redis.Endpoint, containers, leases, callers);
                    var p95 = Stats.Percentile(latencies, 0.95);
                    Console.WriteLine($"| {containers} | {(leases ? "on" : "off")} | {run} | {calls} | {Stats.Micros(Stats.Percentile(latencies, 0.5))} | {Stats.Micros(p95)} | {Stats.Micros(latencies[^1])} | {Stats.Micros(alone)} | {Stats.Number(p95 / alone, "0.000")} |");
                }
            }
        }

        return 0;
    }

    private static async Task<(int SourceCalls, List<double> Latencies)> RunOnceAsync(string endpoint, int containerCount, bool leases, int callers)
    {
        var source = new SlowQuotes(s_sourceLatency);
        var prefix = $"stampede:{Guid.NewGuid():N}:";
        var containers = Enumerable.Range(0, containerCount).Select(_ => Build(endpoint, prefix, leases, source)).ToList();
        try
        {
            // Warm every container's code paths on another key, so what is measured is the stampede.
            foreach (var container in containers)
            {
                await container.Resolve<IQuoteSource>().GetAsync("warm-up");
            }

            source.Reset();
            var quotes = containers.Select(c => c.Resolve<IQuoteSource>()).ToList();
            var next = 0;
            var latencies = await Concurrently(callers, symbol => quotes[Interlocked.Increment(ref next) % quotes.Count].GetAsync(symbol));
            return (source.Calls, latencies);
        }
        finally
        {
            foreach (var container in containers)
            {
                await container.DisposeAsync();
            }
        }
    }

    /// <summary>Starts <paramref name="callers"/> calls of "hot" at one moment; returns their latencies, sorted, in microseconds.</summary>
    private static async Task<List<double>> Concurrently(int callers, Func<string, Task<decimal>> call)
    {
        using var start = new ManualResetEventSlim();
        var latencies = new double[callers];
        var tasks = Enumerable.Range(0, callers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var started = Stopwatch.GetTimestamp();
            await call("hot");
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        })).ToArray();
        await Task.Delay(200);
        start.Set();
        await Task.WhenAll(tasks);
        return latencies.Order().ToList();
    }

    private static IContainer Build(string endpoint, string prefix, bool leases, SlowQuotes source)
    {
        var builder = new ContainerBuilder();
        builder.RegisterCacheAside(o =>
        {
            o.RedisConfiguration = endpoint;
            o.KeyPrefix = prefix;
            o.UseLeases = leases;
        });
        builder.RegisterInstance(source).As<IQuoteSource>().EnableCacheAside();
        return builder.Build();
    }

    /// <summary>A quote source that takes its time and counts its calls.</summary>
    private sealed class SlowQuotes(TimeSpan latency) : IQuoteSource
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void Reset() => Volatile.Write(ref _calls, 0);

        public decimal Get(string symbol)
        {
            Interlocked.Increment(ref _calls);
            Thread.Sleep(latency);
            return symbol.Length;
        }

        public async Task<decimal> GetAsync(string symbol)
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(latency);
            return symbol.Length;
        }
    }
}
