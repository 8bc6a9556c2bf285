using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Scenarios;

/// <summary>A Redis outage never becomes an application outage: calls go to the implementation.</summary>
public sealed class RedisOutageTests
{
    [Test]
    public async Task RedisStopped_CallsStillReturnTheImplementationsAnswers()
    {
        using var server = RedisServer.Start();
        using var connection = ConnectionMultiplexer.Connect($"{server.Endpoint},abortConnect=false,connectTimeout=500,syncTimeout=500,asyncTimeout=500,connectRetry=0");
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, connection: connection);
        harness.Service.GetById(1);
        harness.Service.GetById(1);

        server.Kill();
        var sync = harness.Service.GetById(2);
        var task = await harness.Service.GetByIdAsync(3);
        var valueTask = await harness.Service.GetByIdValueTaskAsync(4);
        await harness.Service.UpdateAsync(new Product(5, "Written while Redis is down", 5m));
        harness.Service.Update(new Product(6, "Written while Redis is down", 6m));

        Assert.That(new[] { sync, task, valueTask }, Is.EqualTo(new[] { store.Row(2), store.Row(3), store.Row(4) }));
        Assert.That(store.Row(5)!.Name, Is.EqualTo("Written while Redis is down"));
        Assert.That(harness.Observer.Outcomes.Skip(2), Is.EqualTo(new[]
        {
            CacheOutcome.Bypass, CacheOutcome.Bypass, CacheOutcome.Bypass, CacheOutcome.InvalidationFailed, CacheOutcome.InvalidationFailed,
        }));
    }

    [Test]
    public void RedisNeverStarted_ContainerBuilds_AndCallsReturnTheImplementationsAnswers()
    {
        var closedPort = RedisServer.FreePort();
        var store = new ProductStore();
        var observer = new RecordingObserver();
        var builder = new ContainerBuilder();
        builder.RegisterInstance(observer).As<ICacheAsideObserver>();
        builder.RegisterCacheAside(o => o.RedisConfiguration = $"127.0.0.1:{closedPort},connectTimeout=500,syncTimeout=500,asyncTimeout=500");
        builder.RegisterInstance(store).As<IProductRepository>().EnableCacheAside();

        using var container = builder.Build();
        var repository = container.Resolve<IProductRepository>();
        var first = repository.GetById(8);
        var second = repository.GetById(8);

        Assert.That(first, Is.EqualTo(store.Row(8)));
        Assert.That(second, Is.EqualTo(store.Row(8)));
        Assert.That(observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Bypass, CacheOutcome.Bypass }));
    }
}
