using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace CacheAside.Tests.Observability;

/// <summary>
/// An <see cref="ICacheInvalidator"/> call that Redis fails is reported as what it was: an explicit invalidation
/// that returned <see langword="false"/>, counted once, and a warning that names the API and claims no write.
/// </summary>
public sealed class ExplicitInvalidationReportTests
{
    private const int WriteInvalidationFailedLogId = 2;
    private const int ExplicitInvalidationFailedLogId = 24;

    [TestCase(false)]
    [TestCase(true)]
    public async Task RedisDown_ExplicitInvalidation_IsReportedOnce_AndItsWarningClaimsNoWrite(bool sync)
    {
        using var server = RedisServer.Start();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(new ProductStore(), server.Endpoint, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        using var calls = new MetricCapture(CacheAsideDiagnostics.Calls);
        using var redisErrors = new MetricCapture(CacheAsideDiagnostics.RedisErrors);
        server.Kill();

        var confirmed = sync ? harness.Invalidator.Invalidate($"product:{8}") : await harness.Invalidator.InvalidateAsync($"product:{8}");

        Assert.That(confirmed, Is.False);
        Assert.That(harness.Observer.Events.Select(e => (e.Operation, e.Outcome)), Is.EqualTo(new[] { (CacheOperation.Invalidate, CacheOutcome.InvalidationFailed) }));
        Assert.That(calls.Total, Is.EqualTo(1));
        Assert.That(calls.Count(CacheAsideDiagnostics.OperationTag, "invalidate"), Is.EqualTo(1));
        Assert.That(redisErrors.Count(CacheAsideDiagnostics.CommandTag, "del"), Is.EqualTo(1));
        var warnings = harness.Logs.Entries.Where(e => e.EventId is WriteInvalidationFailedLogId or ExplicitInvalidationFailedLogId).ToList();
        Assert.That(warnings.Select(w => (w.EventId, w.Level)), Is.EqualTo(new[] { (ExplicitInvalidationFailedLogId, LogLevel.Warning) }), "one warning, the explicit invalidation's");
        Assert.That(warnings[0].Message, Does.StartWith("ICacheInvalidator could not invalidate 1 entr(y/ies) (RedisConnectionException: connection "));
        Assert.That(warnings[0].Message, Does.Contain("returned false"));
        Assert.That(warnings[0].Message, Does.Not.Contain("write"), "no write was made");
    }
}
