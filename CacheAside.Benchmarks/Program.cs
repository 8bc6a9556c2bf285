using CacheAside.Benchmarks;
using CacheAside.Benchmarks.Chaos;
using CacheAside.Benchmarks.Compare;
using CacheAside.Benchmarks.Consistency;

// Each measurement is a subcommand, so more can join without a framework: see the README's
// "When things go wrong" section for what fault-latency measures and how to read it.
switch (args.FirstOrDefault())
{
    case "fault-latency":
        return await FaultLatency.RunAsync(args[1..]);
    case "observer-cost":
        return ObserverCost.Run(args[1..]);
    case "stale-set":
        return await StaleSet.RunAsync(args[1..]);
    case "freshness":
        return await Freshness.RunAsync(args[1..]);
    case "stampede":
        return await Stampede.RunAsync(args[1..]);
    case "cold-hit":
        return HitPathOverhead.RunCold(args[1..]);
    case "hit-overhead":
        return HitPathOverhead.Run(args[1..]);
    case "allocations":
        return await AllocationBreakdown.RunAsync();
    case "compare":
        return await Compare.RunAsync(args[1..]);
    case "chaos":
        return await Chaos.RunAsync(args[1..]);
    case "key-rendering":
        return KeyRendering.Run(args[1..]);
    default:
        Console.Error.WriteLine("usage: dotnet run -c Release --project CacheAside.Benchmarks -- fault-latency [--calls N] | observer-cost | key-rendering | stale-set [--runs N --seconds N] | stampede [--runs N] | freshness [--seconds N] | chaos [scenario] | compare [--reps N] [--only name] | hit-overhead | cold-hit [--junk MB] | allocations");
        return 2;
}
