using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Entries;
using CacheAside.Interception.Internal.Serialization;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Benchmarks.Compare;

/// <summary>Bytes allocated per hit, piece by piece: where a hit's allocations go.</summary>
internal static class AllocationBreakdown
{
    public static async Task<int> RunAsync()
    {
        using var redis = RedisServer.Start();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var builder = new ContainerBuilder();
        builder.RegisterInstance(connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        builder.RegisterType<QuoteSource>().As<IQuoteRepository>().SingleInstance().EnableCacheAside();
        await using var container = builder.Build();
        var quotes = container.Resolve<IQuoteRepository>();
        var engine = container.Resolve<CacheEngine>();
        await quotes.GetAsync(1);
        var key = engine.Keys.Build("q:1");
        var entry = (byte[])(await connection.GetDatabase().StringGetAsync(key))!;
        var codec = new EntryCodec<Quote>(CacheContract.Create(null), "0000000000000000");
        const int n = 20_000;

        await Measure("full Task<T> hit through the proxy", n, async () => await quotes.GetAsync(1));
        await Measure("full sync hit through the proxy", n, () => { quotes.Get(1); return Task.CompletedTask; });
        await Measure("key rendering (Keys.Build of the template)", n, () => { engine.Keys.Build("q:1"); return Task.CompletedTask; });
        await Measure("store GET, awaited with the budget", n, async () => await engine.Store.GetAsync(key, false, TimeSpan.FromMilliseconds(50), TimeProvider.System.GetTimestamp()));
        await Measure("store GET, sync mode", n, () => { _ = engine.Store.GetAsync(key, true, TimeSpan.FromMilliseconds(50), TimeProvider.System.GetTimestamp()).AsTask().Result; return Task.CompletedTask; });
        await Measure("raw StringGetAsync", n, async () => await connection.GetDatabase().StringGetAsync(key));
        await Measure("entry decode (header + JSON)", n, () => { codec.Decode(entry, long.MinValue, out _, out _, out _); return Task.CompletedTask; });
        return 0;
    }

    private static async Task Measure(string what, int n, Func<Task> action)
    {
        for (var i = 0; i < 1000; i++)
        {
            await action();
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < n; i++)
        {
            await action();
        }

        Console.WriteLine($"{what}: {(GC.GetTotalAllocatedBytes(precise: true) - before) / (double)n:0} B");
    }
}
