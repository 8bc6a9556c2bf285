using System.Diagnostics;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Benchmarks.Compare;

/// <summary>
/// What a cached read costs, CacheAside against the pattern written by hand and against the peers, on one
/// private Redis and one shared multiplexer, in one process: contenders taking turns in short blocks, each
/// figure taken in every repetition and divided by the hand-written pattern's of the same repetition.
/// Sequential hit latency, 32-caller throughput, bytes allocated per hit (process-wide, since continuations
/// run on other threads), Redis commands per hit (<c>INFO commandstats</c>), and the process's CPU time per
/// hit under load.
/// </summary>
internal static class Compare
{
    // --keys N: how many warm keys the hits spread over, 1,000 unless told.
    private static int s_keys = 1000;
    private const int Callers = 32;
    private const int Blocks = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        var repetitions = Stats.Option(args, "--reps", 3);
        var calls = Stats.Option(args, "--calls", 40_000);
        var seconds = Stats.Option(args, "--seconds", 3);
        var warmup = Stats.Option(args, "--warmup", 2);
        var slices = Stats.Option(args, "--slices", 12);
        s_keys = Stats.Option(args, "--keys", 1000);
        using var redis = RedisServer.Start();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint + ",allowAdmin=true");
        var only = Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        // --soak name: one contender's 32 callers alone for --seconds, nothing else running: what a profiler attaches to.
        var soak = Array.IndexOf(args, "--soak") is var soakAt and >= 0 && soakAt + 1 < args.Length ? args[soakAt + 1] : null;
        // --only a,b: the contenders whose names contain one of these, and the hand-written baseline.
        var wanted = only?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // --calibrate: two more contenders, the hand-written pattern kept busy for 5 µs after or before its send.
        var all = args.Contains("--calibrate") ? [.. Contender.All(connection), .. Contender.Calibration(connection)] : Contender.All(connection);
        var contenders = soak is not null
            ? all.Where(c => c.Name.Contains(soak, StringComparison.OrdinalIgnoreCase)).Take(1).ToList()
            : all.Where(c => wanted is null || wanted.Any(w => c.Name.Contains(w, StringComparison.OrdinalIgnoreCase)) || c.Name.StartsWith("hand-written (", StringComparison.Ordinal)).ToList();

        try
        {
            // Warm: every key stored, then each contender run alone, sequentially and concurrently, long enough
            // for the JIT's tiers to settle on its code paths (tier-1 code replaces instrumented code only after
            // the calls have been counted, which takes seconds on a busy two-core machine).
            foreach (var contender in contenders)
            {
                for (var id = 0; id < s_keys; id++)
                {
                    await contender.ReadAsync(id);
                }

                for (var i = 0; i < 5 * s_keys; i++)
                {
                    await contender.ReadAsync(i % s_keys);
                }

                await ThroughputAsync(contender, TimeSpan.FromSeconds(warmup));
            }

            if (soak is not null)
            {
                Console.WriteLine($"{contenders[0].Name}, after warming: {contenders[0].Notes}");
                var cpuBefore = Environment.CpuUsage.TotalTime;
                var (count, took) = args.Contains("--sequential")
                    ? await SequentialAsync(contenders[0], TimeSpan.FromSeconds(seconds))
                    : await ThroughputAsync(contenders[0], TimeSpan.FromSeconds(seconds));
                Console.WriteLine($"{contenders[0].Name}: {count / took:0} ops/s, client CPU {(Environment.CpuUsage.TotalTime - cpuBefore).TotalMicroseconds / count:0.00} µs per hit over {took:0.0} s {contenders[0].Notes}");
                return 0;
            }

            Console.WriteLine($"Compare: hits of a {System.Text.Json.JsonSerializer.Serialize(Quote.For(1)).Length}-byte JSON value over {s_keys} warm keys; per contender and repetition {calls} sequential hits in {Blocks} blocks and {seconds} s of {Callers} concurrent callers in {slices} slices, the contenders taking turns block by block and slice by slice; {repetitions} repetitions; {Environment.ProcessorCount} cores, .NET {Environment.Version}, redis-server on loopback.");
            var results = new List<Result>();
            for (var repetition = 1; repetition <= repetitions; repetition++)
            {
                results.AddRange(await MeasureAsync(contenders, repetition, calls, seconds, slices, connection));
            }

            Print(results, repetitions);
        }
        finally
        {
            // All of them, at the end: a peer's cache disposes the shared multiplexer with itself.
            foreach (var contender in all)
            {
                contender.Dispose();
            }
        }

        return 0;
    }

    /// <summary>
    /// One repetition. The machine's speed drifts over seconds (other tenants, frequency, the thread pool's
    /// size), so the contenders take turns in short blocks — sequential hits in blocks, throughput in slices,
    /// each turn in its own shuffled order — and every contender sees the same drift.
    /// </summary>
    private static async Task<List<Result>> MeasureAsync(List<Contender> contenders, int repetition, int calls, int seconds, int slices, ConnectionMultiplexer connection)
    {
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var perBlock = Math.Max(1, calls / Blocks);
        var latencies = contenders.Select(_ => new List<double>(calls)).ToArray();
        var blockP50s = contenders.Select(_ => new double[Blocks]).ToArray();
        var allocated = new long[contenders.Count];
        var commands = new long[contenders.Count];
        var hits = new long[contenders.Count];
        var ops = new long[contenders.Count];
        var elapsed = new double[contenders.Count];
        var rates = contenders.Select(_ => new double[slices]).ToArray();
        var cpu = new double[contenders.Count];

        // Unmeasured first: the code paths compiled and warm.
        foreach (var contender in contenders)
        {
            for (var i = 0; i < perBlock; i++)
            {
                await contender.ReadAsync(i % s_keys);
            }
        }

        for (var block = 0; block < Blocks; block++)
        {
            foreach (var c in Turns(contenders.Count, repetition, block))
            {
                var contender = contenders[c];
                var commandsBefore = await CommandsAsync(server);
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var first = latencies[c].Count;
                for (var i = 0; i < perBlock; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await contender.ReadAsync(((block * perBlock) + i) % s_keys);
                    latencies[c].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                }

                blockP50s[c][block] = Stats.Percentile(latencies[c].Skip(first).Order().ToList(), 0.5);

                allocated[c] += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

                // The INFO call itself is not the contender's.
                commands[c] += await CommandsAsync(server) - commandsBefore - 1;
                hits[c] += perBlock;
            }
        }

        var slice = TimeSpan.FromSeconds(seconds) / slices;
        for (var turn = 0; turn < slices; turn++)
        {
            foreach (var c in Turns(contenders.Count, repetition, 1000 + turn))
            {
                var cpuBefore = Environment.CpuUsage.TotalTime;
                var (count, took) = await ThroughputAsync(contenders[c], slice);
                cpu[c] += (Environment.CpuUsage.TotalTime - cpuBefore).TotalMicroseconds;
                ops[c] += count;
                elapsed[c] += took;
                rates[c][turn] = count / took;
            }
        }

        return contenders.Select((contender, c) =>
        {
            var sorted = latencies[c].Order().ToList();
            return new Result(contender.Name, repetition, Stats.Percentile(sorted, 0.5), Stats.Percentile(sorted, 0.95), Stats.Percentile(sorted, 0.99), blockP50s[c], ops[c] / elapsed[c], rates[c], allocated[c] / (double)hits[c], commands[c] / (double)hits[c], cpu[c] / ops[c]);
        }).ToList();
    }

    /// <summary>
    /// The order of a turn: a shuffle, seeded by the repetition and the turn so that runs repeat, so that each
    /// contender follows every other about equally often. (Forwards-then-backwards gave each contender only two
    /// predecessors, and the one that ran just before a block — a blocking sync contender, say — can leave
    /// the thread pool and the caches in a state that favours or penalises the next.)
    /// </summary>
    private static int[] Turns(int count, int repetition, int turn)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random((repetition * 7919) + turn).Shuffle(order);
        return order;
    }

    /// <summary><see cref="Callers"/> concurrent callers for <paramref name="length"/>: how many hits they made, in how many seconds.</summary>
    private static async Task<(long Count, double Seconds)> ThroughputAsync(Contender contender, TimeSpan length)
    {
        using var stop = new CancellationTokenSource(length);
        var counts = new long[Callers];
        var started = Stopwatch.GetTimestamp();

        // A synchronous contender's callers get threads of their own, as request threads would; run on pool
        // threads, 32 blocking loops would measure the thread pool's starvation, not the cache.
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => contender.IsSynchronous
            ? Task.Factory.StartNew(() => Loop(c).GetAwaiter().GetResult(), TaskCreationOptions.LongRunning)
            : Task.Run(() => Loop(c))));
        return (counts.Sum(), Stopwatch.GetElapsedTime(started).TotalSeconds);

        async Task Loop(int c)
        {
            var id = c * 31;
            while (!stop.IsCancellationRequested)
            {
                await contender.ReadAsync(id++ % s_keys);
                counts[c]++;
            }
        }
    }

    /// <summary>One caller for <paramref name="length"/>: how many hits it made, in how many seconds.</summary>
    private static async Task<(long Count, double Seconds)> SequentialAsync(Contender contender, TimeSpan length)
    {
        var started = Stopwatch.GetTimestamp();
        var until = started + (long)(length.TotalSeconds * Stopwatch.Frequency);
        long count = 0;
        while (Stopwatch.GetTimestamp() < until)
        {
            await contender.ReadAsync((int)(count++ % s_keys));
        }

        return (count, Stopwatch.GetElapsedTime(started).TotalSeconds);
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
        Console.WriteLine("| contender | hit p50 | p95 | p99 | p50 / hand-written (95% interval) | 32-caller throughput | throughput / hand-written (95% interval) | allocated per hit | allocated / hand-written | Redis commands per hit | client CPU per hit under load |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var name in results.Select(r => r.Name).Distinct())
        {
            var mine = results.Where(r => r.Name == name).ToList();
            var ratios = Enumerable.Range(1, repetitions).Select(rep =>
            {
                var own = mine.Single(r => r.Repetition == rep);
                var hand = results.Single(r => r.Name == baseline && r.Repetition == rep);
                // The machine drifts over seconds: each block's p50 and each slice's throughput is divided by the
                // baseline's of the same turn.
                var throughputs = own.Rates.Select((rate, turn) => rate / hand.Rates[turn]).ToList();
                var p50s = own.BlockP50s.Select((value, block) => value / hand.BlockP50s[block]).ToList();
                return (P50: Stats.Median(p50s), P50s: p50s, Throughput: Stats.Median(throughputs), Throughputs: throughputs, Allocated: own.Allocated / hand.Allocated);
            }).ToList();

            // How sure the ratios are: a 95% interval for the median of every block's (or slice's) ratio, all repetitions pooled.
            var p50Interval = Stats.MedianInterval(ratios.SelectMany(r => r.P50s).ToList());
            var throughputInterval = Stats.MedianInterval(ratios.SelectMany(r => r.Throughputs).ToList());
            Console.WriteLine($"| {name} | {Stats.Micros(Stats.Median(mine.Select(r => r.P50)))} | {Stats.Micros(Stats.Median(mine.Select(r => r.P95)))} | {Stats.Micros(Stats.Median(mine.Select(r => r.P99)))} | {Stats.Number(Stats.Median(ratios.Select(r => r.P50)), "0.00")} ({Interval(p50Interval)}) | {Stats.Number(Stats.Median(mine.Select(r => r.Throughput)), "0")} ops/s | {Stats.Number(Stats.Median(ratios.Select(r => r.Throughput)), "0.00")} ({Interval(throughputInterval)}) | {Stats.Number(Stats.Median(mine.Select(r => r.Allocated)), "0")} B | {Stats.Number(Stats.Median(ratios.Select(r => r.Allocated)), "0.00")} | {Stats.Number(Stats.Median(mine.Select(r => r.Commands)), "0.00")} | {Stats.Micros(Stats.Median(mine.Select(r => r.CpuPerHit)))} |");
        }

        Console.WriteLine();
        Console.WriteLine("Medians of the repetitions; each ratio is taken within its repetition (p50 and throughput: the median over its blocks or slices, each divided by the hand-written pattern's block or slice of the same turn), then the median of those is shown. In brackets, a 95% bootstrap interval for the median of all blocks' (slices') ratios of every repetition together.");

        static string Interval((double Low, double High) interval) => $"{Stats.Number(interval.Low, "0.000")}–{Stats.Number(interval.High, "0.000")}";
    }

    private sealed record Result(string Name, int Repetition, double P50, double P95, double P99, double[] BlockP50s, double Throughput, double[] Rates, double Allocated, double Commands, double CpuPerHit);
}
