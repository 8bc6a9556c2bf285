using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace CacheAside.Tests.Faults;

/// <summary>
/// A write whose invalidation fails because Redis is unreachable still succeeds for its caller; the failure
/// is logged at Warning with the method (never the key) and counted, since the old entry now lives until
/// its time to live ends.
/// </summary>
public sealed class FailedInvalidationTests
{
    private const int InvalidationFailedLogId = 2;

    [TestCase(WriteShape.Void, "IProductRepository.Update(Product)")]
    [TestCase(WriteShape.Task, "IProductRepository.UpdateAsync(Product)")]
    [TestCase(WriteShape.TaskOfT, "IProductRepository.TryUpdateAsync(Product)")]
    [TestCase(WriteShape.ValueTask, "IProductRepository.UpdateValueTaskAsync(Product)")]
    [TestCase(WriteShape.ValueTaskOfT, "IProductRepository.InsertAsync(Product)")]
    public async Task RedisDown_WriteSucceeds_FailureIsLoggedWithTheMethod_AndCounted(WriteShape shape, string method)
    {
        using var server = RedisServer.Start();
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint);
        using var redisErrors = new MetricCapture(CacheAsideDiagnostics.RedisErrors);
        using var calls = new MetricCapture(CacheAsideDiagnostics.Calls);
        server.Kill();

        await harness.Service.Write(shape, new Product(8, "Written while Redis is down", 8m));

        Assert.That(store.Row(8)!.Name, Is.EqualTo("Written while Redis is down"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.InvalidationFailed));
        var warning = harness.Logs.WithId(InvalidationFailedLogId).Single();
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warning.Message, Does.StartWith($"Invalidation after {method} failed (RedisConnectionException: connection "));
        Assert.That(warning.Message, Does.Contain("the write succeeded"));
        Assert.That(harness.Logs.Entries.Where(e => e.Level >= LogLevel.Information).Select(e => e.Message + e.Exception), Has.None.Contains("product:8"), "no key at Information or above");
        Assert.That(redisErrors.Count(CacheAsideDiagnostics.CommandTag, "del"), Is.EqualTo(1));
        Assert.That(calls.Count(CacheAsideDiagnostics.OutcomeTag, "invalidation_failed"), Is.EqualTo(1));
    }
}
