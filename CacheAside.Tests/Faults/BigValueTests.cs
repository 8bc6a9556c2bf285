using System.Diagnostics;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Faults;

/// <summary>
/// One method's huge results never hurt the others: above MaxPayloadBytes they are returned uncached, the
/// writing stops at the limit, Redis is never asked to hold them, and the breaker stays closed.
/// </summary>
public sealed class BigValueTests
{
    [Test]
    public async Task TenMegabyteResults_AreReturnedUncached_WithoutARedisCommand_WhileSmallOnesAreCached()
    {
        using var server = RedisServer.Start();
        var source = new Blobs();
        using var harness = CacheAsideHarness<IBlobs>.CreateConnecting(source, server.Endpoint);
        using var rejected = new MetricCapture(CacheAsideDiagnostics.RejectedEntries);

        var big = await harness.Service.GetAsync(10 * 1024 * 1024);
        var bigAgain = await harness.Service.GetAsync(10 * 1024 * 1024);
        var small = await harness.Service.GetAsync(100);
        var smallAgain = await harness.Service.GetAsync(100);

        Assert.That(big.Length, Is.EqualTo(10 * 1024 * 1024));
        Assert.That(bigAgain, Is.EqualTo(big));
        Assert.That(smallAgain, Is.EqualTo(small));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Miss, CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(harness.Observer.Events[0].Details.HasFlag(CacheEventDetails.TooLarge), Is.True);
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key($"blob:{10 * 1024 * 1024}")), Is.False);
        Assert.That(rejected.Count(CacheAsideDiagnostics.ReasonTag, "too_large"), Is.EqualTo(2));
        Assert.That(harness.Logs.WithId(18).Count(), Is.EqualTo(1), "logged once per method");
        Assert.That(harness.Observer.Events.Any(e => e.Details.HasFlag(CacheEventDetails.CircuitOpen)), Is.False);
    }

    [Test]
    public void RefusingAHugeValue_StopsWritingAtTheLimit()
    {
        using var server = RedisServer.Start();
        using var harness = CacheAsideHarness<IBlobs>.CreateConnecting(new Blobs(), server.Endpoint);
        harness.Service.GetAsync(100).GetAwaiter().GetResult();

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        const int size = 20 * 1024 * 1024;
        var value = harness.Service.Get(size);
        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        var beyondTheValue = allocated - (2L * size);
        TestContext.Out.WriteLine($"a {size >> 20} M-character result: {allocated >> 20} MB allocated on the caller's thread, {beyondTheValue >> 20} MB beyond the string itself, {watch.ElapsedMilliseconds} ms");
        Assert.That(value.Length, Is.EqualTo(size));
        Assert.That(beyondTheValue, Is.LessThan(8L * 1024 * 1024), "writing stopped at the 1 MiB limit instead of buffering the whole JSON (at least 20 MB)");
    }
}

public interface IBlobs
{
    [Cached("blob:{size}")]
    Task<string> GetAsync(int size);

    [Cached("blob:{size}")]
    string Get(int size);
}

public sealed class Blobs : IBlobs
{
    public Task<string> GetAsync(int size) => Task.FromResult(Get(size));

    public string Get(int size) => new('x', size);
}
