using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Faults;

/// <summary>
/// <see cref="CacheAsideOptions.ThrowOnRedisErrors"/>: for teams that prefer to know, Redis failures throw
/// <see cref="CacheUnavailableException"/> instead of being absorbed. Off by default (every other outage test).
/// </summary>
public sealed class ThrowOnRedisErrorsTests
{
    private const string Suffix = "; CacheAsideOptions.ThrowOnRedisErrors is on, so this is thrown instead of going on without the cache.";

    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task FailedRead_Throws_AndDoesNotReachTheImplementation(ReadShape shape)
    {
        var store = new ProductStore();
        using var harness = Create(store);

        var thrown = await Assert.ThrowsAsync<CacheUnavailableException>(() => harness.Service.Read(shape, 1));

        Assert.That(thrown!.Message, Does.StartWith($"Redis GET for {Method(shape)} failed (connection "));
        Assert.That(thrown.Message, Does.EndWith(Suffix));
        Assert.That(thrown.InnerException, Is.Not.Null);
        Assert.That(store.Reads, Is.Zero);
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Bypass }));
    }

    [Test]
    public void OpenBreaker_Throws_SayingRedisWasSkipped()
    {
        using var harness = Create(new ProductStore());
        for (var i = 0; i < 2; i++)
        {
            Assert.Throws<CacheUnavailableException>(() => harness.Service.GetById(1));
        }

        var thrown = Assert.Throws<CacheUnavailableException>(() => harness.Service.GetById(1));

        Assert.That(thrown!.Message, Is.EqualTo("Redis GET for IProductRepository.GetById(int) was skipped: the circuit breaker is open after repeated Redis failures" + Suffix));
        Assert.That(thrown.InnerException, Is.Null);
    }

    [TestCase(WriteShape.Void)]
    [TestCase(WriteShape.Task)]
    [TestCase(WriteShape.ValueTaskOfT)]
    public async Task FailedInvalidation_ThrowsAfterTheWriteSucceeded(WriteShape shape)
    {
        var store = new ProductStore();
        using var harness = Create(store);

        var thrown = await Assert.ThrowsAsync<CacheUnavailableException>(() => harness.Service.Write(shape, new Product(7, "Written", 7m)));

        Assert.That(store.Row(7)!.Name, Is.EqualTo("Written"), "the write itself happened");
        Assert.That(thrown!.Message, Does.StartWith("Redis DEL for IProductRepository."));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.InvalidationFailed }));
    }

    [Test]
    public void FailedExplicitInvalidation_Throws()
    {
        using var harness = Create(new ProductStore());

        var thrown = Assert.Throws<CacheUnavailableException>(() => harness.Invalidator.Invalidate($"product:7"));

        Assert.That(thrown!.Message, Does.StartWith("Redis DEL for ICacheInvalidator failed"));
    }

    [Test]
    public void CorruptEntry_StillHealsInsteadOfThrowing()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, o => o.ThrowOnRedisErrors = true);
        harness.Redis.StringSet(harness.Key("product:2"), "not a payload");

        var product = harness.Service.GetById(2);

        Assert.That(product, Is.EqualTo(store.Row(2)));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.CorruptEntry), Is.True);
    }

    /// <summary>A container whose Redis is down, with the breaker opening after two failures.</summary>
    private static CacheAsideHarness<IProductRepository> Create(ProductStore store) =>
        CacheAsideHarness<IProductRepository>.CreateConnecting(store, $"127.0.0.1:{RedisServer.FreePort()}", o =>
        {
            o.ThrowOnRedisErrors = true;
            o.CircuitBreakerMinimumThroughput = 2;
        });

    private static string Method(ReadShape shape) => shape switch
    {
        ReadShape.Sync => "IProductRepository.GetById(int)",
        ReadShape.Task => "IProductRepository.GetByIdAsync(int, CancellationToken)",
        _ => "IProductRepository.GetByIdValueTaskAsync(int)",
    };
}
