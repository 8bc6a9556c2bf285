using System.Diagnostics;
using System.Diagnostics.Metrics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CacheAside.Tests.Observability;

/// <summary>
/// The application's listeners fail — a metrics listener, a span listener and a logging provider that all
/// throw — and the cache goes on as if nobody listened: misses, hits, writes and a Redis outage reach the
/// caller only as the repository's answers.
/// </summary>
public sealed class FailingListenersTests
{
    [Test]
    public async Task MetricsSpansAndLogsThatThrow_NeverReachACaller()
    {
        using var server = RedisServer.Start();
        using var metrics = new MeterListener();
        metrics.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CacheAsideDiagnostics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        metrics.SetMeasurementEventCallback<long>((_, _, _, _) => throw new InvalidOperationException("metrics listener failed"));
        metrics.SetMeasurementEventCallback<double>((_, _, _, _) => throw new InvalidOperationException("metrics listener failed"));
        metrics.Start();
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CacheAsideDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => throw new InvalidOperationException("span listener failed"),
        };
        ActivitySource.AddActivityListener(spans);

        var store = new ProductStore();
        var builder = new ContainerBuilder();
        builder.RegisterInstance(new ThrowingLoggerFactory()).As<ILoggerFactory>();
        builder.RegisterCacheAside(o =>
        {
            o.RedisConfiguration = server.Endpoint;
            o.KeyPrefix = $"test:{Guid.NewGuid():N}:";
            o.CircuitBreakerMinimumThroughput = 4;
        });
        builder.RegisterInstance(store).As<IProductRepository>().ExternallyOwned().EnableCacheAside();
        using var container = builder.Build();
        var products = container.Resolve<IProductRepository>();

        Assert.That(await products.GetByIdAsync(1), Is.EqualTo(store.Row(1)), "a miss");
        Assert.That(await products.GetByIdAsync(1), Is.EqualTo(store.Row(1)), "a hit");
        Assert.That(products.GetById(1), Is.EqualTo(store.Row(1)), "a synchronous hit");
        await products.UpdateAsync(store.Row(1)! with { Price = 9m });
        Assert.That(await products.GetByIdAsync(1), Is.EqualTo(store.Row(1)), "a miss after the write");

        server.Kill();
        for (var i = 0; i < 20; i++)
        {
            Assert.That(await products.GetByIdAsync(2), Is.EqualTo(store.Row(2)), "a call with Redis down, the breaker opening");
            Assert.That(products.GetById(3), Is.EqualTo(store.Row(3)));
        }

        Assert.That(container.Resolve<IConnectionMultiplexer>().IsConnected, Is.False);
    }

    private sealed class ThrowingLoggerFactory : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => new ThrowingLogger();

        public void Dispose()
        {
        }
    }

    private sealed class ThrowingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => throw new InvalidOperationException("logging provider failed");

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("logging provider failed");
    }
}
