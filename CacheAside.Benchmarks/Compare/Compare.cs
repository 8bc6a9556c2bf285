using System.Diagnostics;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Benchmarks.Compare;

/// <summary>
/// What a cached read costs, CacheAside against the pattern written by hand and against the peers, on one
/// private Redis and one shared multiplexer, in one process: contenders interleaved, each figure taken in
/// every repetition and divided by the hand-written pattern's of the same repetition. Sequential hit
/// latency, 32-caller throughput, bytes allocated per hit (process-wide, since continuations run on other
/// threads), and Redis commands per hit (<c>INFO commandstats</c>).
/// </summary>
internal static class Compare
{
    private const int Keys = 1000;
    private const int Callers = 32;

    public static async Task<int> RunAsync(string[] args)
    {
        var repetitions = Stats.Option(args, "--reps", 3);
        var calls = Stats.Option(args, "--calls", 20_000);
        var seconds = Stats.Option(args, "--seconds", 3);
        using var redis = RedisServer.Start();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint + ",allowAdmin=true");
        var only = Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        var contenders = Contender.All(connection).Where(c => only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase) || c.Name.StartsWith("hand-written (", StringComparison.Ordinal)).ToList();
        try
        {
            foreach (var contender in contenders)
            {
                for (var id = 0; id < Keys; id++)
                {
                    await contender.ReadAsync(id);
                }
            }

            Console.WriteLine($"Compare: hits of a {System.Text.Json.JsonSerializer.Serialize(Quote.For(1)).Length}-byte JSON value over {Keys} warm keys; {calls} sequential hits and {seconds} s of {Callers} concurrent callers per contender and repetition, {repetitions} repetitions interleaved; {Environment.ProcessorCount} cores, .NET {Environment.Version}, redis-server on loopback.");
            var results = new List<Result>();
            for (var repetition = 1; repetition <= repetitions; repetition++)
            {
                foreach (var contender in repetition % 2 == 1 ? contenders : Enumerable.Reverse(contenders))
                {
                    results.Add(await MeasureAsync(contender, repetition, calls, seconds, redis, connection));
                }
            }

            Print(results, repetitions);
        }
        finally
        {
            foreach (var contender in contenders)
            {
                contender.Dispose();
            }
        }

        return 0;
    }

    private static async Task<Result> MeasureAsync(Contender contender, int repetition, int calls, int seconds, RedisServer redis, ConnectionMultiplexer connection)
    {
        // Unmeasured first: the code paths compiled and warm, in this repetition's order.
        for (var i = 0; i < calls / 10; i++)
        {
            await contender.ReadAsync(i % Keys);
        }

        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var commandsBefore = await CommandsAsync(server);
        var latencies = new double[calls];
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await contender.ReadAsync(i % Keys);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)calls;
        // The INFO call itself and the heartbeats of the multiplexer are not the contender's.
        var commands = (await CommandsAsync(server) - commandsBefore - 1) / (double)calls;
        Array.Sort(latencies);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var counts = new long[Callers];
        var started2 = Stopwatch.GetTimestamp();
        // A synchronous contender's callers get threads of their own, as request threads would; run on pool
        // threads, 32 blocking loops would measure the thread pool's starvation, not the cache.
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => contender.IsSynchronous
            ? Task.Factory.StartNew(() => Loop(c).GetAwaiter().GetResult(), TaskCreationOptions.LongRunning)
            : Task.Run(() => Loop(c))));

        async Task Loop(int c)
        {
            var id = c * 31;
            while (!stop.IsCancellationRequested)
            {
                await contender.ReadAsync(id++ % Keys);
                counts[c]++;
            }
        }
        var throughput = counts.Sum() / Stopwatch.GetElapsedTime(started2).TotalSeconds;
        _ = redis;
        return new Result(contender.Name, repetition, Stats.Percentile(latencies, 0.5), Stats.Percentile(latencies, 0.95), Stats.Percentile(latencies, 0.99), throughput, allocated, commands);
    }

    private static async Task<long> CommandsAsync(IServer server)
    {
        var info = await server.InfoAsync("commandstats");
        return info.SelectMany(g => g)
            .Where(e => !e.Key.Contains("info", StringComparison.Ordinal) && !e.Key.Contains("ping", StringComparison.Ordinal))
            .Sum(e => long.Parse(e.Value.Split(',')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Print(List<Result> results, int repetitions)
    {
        const string baseline = "hand-written (StringGetAsync + System.Text.Json)";
        Console.WriteLine();
        Console.WriteLine("| contender | hit p50 | p95 | p99 | p50 / hand-written | 32-caller throughput | throughput / hand-written | allocated per hit | allocated / hand-written | Redis commands per hit |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var name in results.Select(r => r.Name).Distinct())
        {
            var mine = results.Where(r => r.Name == name).ToList();
            var ratios = Enumerable.Range(1, repetitions).Select(rep =>
            {
                var own = mine.Single(r => r.Repetition == rep);
                var hand = results.Single(r => r.Name == baseline && r.Repetition == rep);
                return (P50: own.P50 / hand.P50, Throughput: own.Throughput / hand.Throughput, Allocated: own.Allocated / hand.Allocated);
            }).ToList();
            Console.WriteLine($"| {name} | {Stats.Micros(Stats.Median(mine.Select(r => r.P50)))} | {Stats.Micros(Stats.Median(mine.Select(r => r.P95)))} | {Stats.Micros(Stats.Median(mine.Select(r => r.P99)))} | {Stats.Number(Stats.Median(ratios.Select(r => r.P50)), "0.00")} | {Stats.Number(Stats.Median(mine.Select(r => r.Throughput)), "0")} ops/s | {Stats.Number(Stats.Median(ratios.Select(r => r.Throughput)), "0.00")} | {Stats.Number(Stats.Median(mine.Select(r => r.Allocated)), "0")} B | {Stats.Number(Stats.Median(ratios.Select(r => r.Allocated)), "0.00")} | {Stats.Number(Stats.Median(mine.Select(r => r.Commands)), "0.00")} |");
        }

        Console.WriteLine();
        Console.WriteLine("Medians of the repetitions; each ratio is taken within its repetition, then the median of those is shown.");
    }

    private sealed record Result(string Name, int Repetition, double P50, double P95, double P99, double Throughput, double Allocated, double Commands);
}
