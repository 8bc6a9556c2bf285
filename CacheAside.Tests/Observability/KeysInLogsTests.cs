using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace CacheAside.Tests.Observability;

/// <summary>
/// Keys are made of arguments, which can be personal data: they reach logs only at Trace. StackExchange.Redis
/// writes key names into its exceptions' messages, so a Redis error logged with its exception above Trace would
/// carry them.
/// </summary>
public sealed class KeysInLogsTests
{
    [Test]
    public async Task RedisDown_ReadsWritesAndInvalidations_LogNoKeyAboveTrace()
    {
        using var server = RedisServer.Start();
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint, o =>
        {
            o.RedisTimeout = TimeSpan.FromSeconds(1);
            o.CircuitBreakerMinimumThroughput = 100;
        });
        await harness.Service.GetByIdAsync(41);
        server.Kill();

        await harness.Service.GetByIdAsync(42);
        harness.Service.GetById(43);
        await harness.Service.UpdateAsync(store.Row(44)!);
        await harness.Invalidator.InvalidateAsync($"product:{45}");
        harness.Invalidator.Invalidate($"product:{46}");

        var aboveTrace = harness.Logs.Entries.Where(e => e.Level > LogLevel.Trace).Select(e => $"{e.Level} {e.EventId} {e.Message} {e.Exception}").ToList();
        Assert.That(aboveTrace, Has.Some.Contains("failed"), "the failures were logged");
        Assert.That(aboveTrace, Has.None.Contains(harness.Prefix), "no key above Trace");
        Assert.That(aboveTrace, Has.None.Contains("product:4"), "no key body above Trace");
    }
}
