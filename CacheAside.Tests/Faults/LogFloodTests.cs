using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace CacheAside.Tests.Faults;

/// <summary>An outage writes a warning per method and kind of failure, not one per call; every failure is still counted.</summary>
public sealed class LogFloodTests
{
    [Test]
    public async Task ThousandsOfFailedCalls_LogAFewWarnings_AndCountThemAll()
    {
        var down = RedisServer.Create();
        var store = new ProductStore();
        using var errors = new MetricCapture(CacheAsideDiagnostics.RedisErrors);
        // The breaker kept closed, so every call asks Redis and fails.
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, down.Endpoint, o => o.CircuitBreakerMinimumThroughput = int.MaxValue);

        for (var i = 0; i < 1000; i++)
        {
            await harness.Service.GetByIdAsync(1 + (i % 10));
            harness.Service.GetById(1 + (i % 10));
            await harness.Service.UpdateAsync(new Product(1, "Written", 1m));
        }

        var warnings = harness.Logs.Entries.Count(e => e.Level >= LogLevel.Warning);
        TestContext.Out.WriteLine($"{warnings} warnings for 3000 failed calls: {string.Join(" | ", harness.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message).Distinct().Take(5))}");
        Assert.That(warnings, Is.LessThanOrEqualTo(6), "one per method and kind (and the startup warning)");
        Assert.That(errors.Total, Is.EqualTo(3000), "every failure counted");
    }
}
