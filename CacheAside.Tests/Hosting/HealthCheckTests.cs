using System.Diagnostics;
using Autofac;
using Autofac.Extensions.DependencyInjection;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CacheAside.Tests.Hosting;

/// <summary>
/// The health check, registered in one line in a host that uses Autofac, against a real Redis that answers,
/// dies, hangs, or trips the circuit breaker: Healthy, or Degraded with the reason — never Unhealthy.
/// </summary>
public sealed class HealthCheckTests
{
    [Test]
    public async Task RedisAnswers_IsHealthy_WithTheBreakerClosed()
    {
        using var server = RedisServer.Start();
        using var host = BuildHost(server.Endpoint);

        var report = await CheckAsync(host);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Healthy), report.Description);
        Assert.That(report.Description, Does.StartWith("Redis answered PING in "));
        Assert.That(report.Data["circuit_breaker"], Is.EqualTo("closed"));
        Assert.That(report.Data["redis_latency_ms"], Is.TypeOf<double>().And.LessThan(1000));
    }

    [Test]
    public async Task RedisKilled_IsDegraded_WithTheReason()
    {
        using var server = RedisServer.Start();
        using var host = BuildHost(server.Endpoint);
        server.Kill();

        var report = await CheckAsync(host);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded), report.Description);
        Assert.That(report.Description, Does.StartWith("CacheAside works without its cache: Redis failed PING (").Or.StartWith("CacheAside works without its cache: Redis did not answer PING"));
        Assert.That(report.Data["reason"], Is.EqualTo(report.Description!["CacheAside works without its cache: ".Length..^1]));
        Assert.That(report.Data["circuit_breaker"], Is.EqualTo("closed"));
    }

    [Test]
    public async Task RedisHanging_IsDegraded_WithinTheRedisTimeout()
    {
        using var server = RedisServer.Start();
        using var host = BuildHost(server.Endpoint, ("CacheAside:RedisTimeout", "00:00:00.100"));
        await CheckAsync(host);
        server.Pause();

        var timer = Stopwatch.StartNew();
        var report = await CheckAsync(host);
        timer.Stop();

        server.Resume();
        Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded), report.Description);
        Assert.That(report.Description, Is.EqualTo("CacheAside works without its cache: Redis did not answer PING within 100 ms (CacheAsideOptions.RedisTimeout): calls go to their implementations without the cache."));
        Assert.That(timer.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "the probe waits for Redis no longer than a call would (an order of magnitude)");
    }

    [Test]
    public async Task BreakerOpen_IsDegraded_EvenBeforeRedisIsAsked()
    {
        using var server = RedisServer.Start();
        using var host = BuildHost(server.Endpoint, ("CacheAside:CircuitBreakerMinimumThroughput", "2"), ("CacheAside:CircuitBreakerBreakDuration", "00:01:00"));
        var products = host.Services.GetRequiredService<IProductRepository>();
        server.Kill();
        for (var i = 0; i < 5; i++)
        {
            await products.GetByIdAsync(1);
        }

        server.Restart();
        var report = await CheckAsync(host);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded), report.Description);
        Assert.That(report.Data["circuit_breaker"], Is.EqualTo("open"));
        Assert.That(report.Data["reason"], Is.EqualTo("the circuit breaker is open after repeated Redis failures: calls go to their implementations without the cache until a probe after CacheAsideOptions.CircuitBreakerBreakDuration succeeds"));
        Assert.That(await products.GetByIdAsync(1), Is.Not.Null, "and the application keeps answering");
    }

    [Test]
    public async Task RedisBack_IsHealthyAgain()
    {
        using var server = RedisServer.Start();
        using var host = BuildHost(server.Endpoint);
        server.Kill();
        Assert.That((await CheckAsync(host)).Status, Is.EqualTo(HealthStatus.Degraded));

        server.Restart();

        Assert.That(await EventuallyAsync(async () => (await CheckAsync(host)).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(20)), Is.True, "healthy once the multiplexer reconnected");
    }

    [Test]
    public async Task BreakerOpen_AfterItsBreak_TheCheckIsTheProbe_SoAnIdleServiceIsHealthyOnceRedisIsBack()
    {
        using var server = RedisServer.Start();
        using var host = BuildHost(server.Endpoint, ("CacheAside:CircuitBreakerMinimumThroughput", "2"), ("CacheAside:CircuitBreakerBreakDuration", "00:00:01"));
        var products = host.Services.GetRequiredService<IProductRepository>();
        var engine = host.Services.GetRequiredService<ILifetimeScope>().Resolve<CacheEngine>();
        server.Kill();
        for (var i = 0; i < 5; i++)
        {
            await products.GetByIdAsync(1);
        }

        Assert.That(engine.Store.Breaker.IsOpen, Is.True);
        Assert.That((await CheckAsync(host)).Data["circuit_breaker"], Is.EqualTo("open"), "within the break the check asks nothing");
        server.Restart();

        // No call from here on: only the checks can find that Redis is back.
        Assert.That(await EventuallyAsync(async () => (await CheckAsync(host)).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(20)), Is.True, "healthy once a check after the break probed Redis");
        Assert.That(engine.Store.Breaker.IsOpen, Is.False, "the check's probe closed the breaker, so the next call uses the cache");
        Assert.That((await CheckAsync(host)).Data["circuit_breaker"], Is.EqualTo("closed"));
    }

    [Test]
    public async Task TheConnectionOfWritesDown_IsDegraded_SayingInvalidationsFail()
    {
        using var server = RedisServer.Start();
        using var host = BuildHost(server.Endpoint);
        var engine = host.Services.GetRequiredService<ILifetimeScope>().Resolve<CacheEngine>();
        Assert.That(engine.Store.Writes, Is.Not.SameAs(engine.Store.Connection), "the container's own connections: one for reads, one for writes");
        Assert.That((await CheckAsync(host)).Status, Is.EqualTo(HealthStatus.Healthy));

        await engine.Store.Writes.CloseAsync(allowCommandsToComplete: false);
        var report = await CheckAsync(host);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded), report.Description);
        Assert.That(report.Description, Does.StartWith("CacheAside cannot invalidate: on the connection of writes, Redis "));
        Assert.That(report.Description, Does.EndWith(": hits still come from the cache, and invalidations that fail are retried until Redis takes them."));
        Assert.That(report.Data["circuit_breaker"], Is.EqualTo("closed"));
    }

    [Test]
    public async Task WithoutRegisterCacheAside_IsDegraded_SayingWhatIsMissing()
    {
        var builder = Host.CreateApplicationBuilder(TestHostSettings.Create());
        builder.Logging.ClearProviders();
        builder.Services.AddHealthChecks().AddCacheAside();
        builder.ConfigureContainer(new AutofacServiceProviderFactory());
        using var host = builder.Build();

        var report = await CheckAsync(host);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(report.Description, Is.EqualTo("The CacheAside health check found no CacheAside in the application's container: use Autofac as the host's service provider (UseServiceProviderFactory(new AutofacServiceProviderFactory())) and call RegisterCacheAside(...) in ConfigureContainer<ContainerBuilder>(...)."));
    }

    [Test]
    public async Task NameAndTags_AreTheRegistrations()
    {
        using var server = RedisServer.Start();
        using var host = BuildHost(server.Endpoint, name: "redis-cache", tags: ["ready"]);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));

        Assert.That(report.Entries.Keys, Is.EqualTo(new[] { "redis-cache" }));
    }

    private static IHost BuildHost(string redis, params (string Key, string Value)[] settings) => BuildHost(redis, CacheAsideDiagnostics.HealthCheckName, null, settings);

    private static IHost BuildHost(string redis, string name, string[]? tags, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(TestHostSettings.Create());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CacheAside:RedisConfiguration"] = redis,
            ["CacheAside:KeyPrefix"] = "health-test:",
            // A generous budget for the first PING on a loaded machine; the hanging test sets its own.
            ["CacheAside:RedisTimeout"] = "00:00:01",
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Logging.ClearProviders();
        builder.Services.AddHealthChecks().AddCacheAside(name, tags);
        builder.ConfigureContainer(new AutofacServiceProviderFactory(), container =>
        {
            container.RegisterCacheAside(builder.Configuration.GetSection("CacheAside"));
            container.RegisterType<ProductStore>().As<IProductRepository>().SingleInstance().EnableCacheAside();
        });
        return builder.Build();
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[CacheAsideDiagnostics.HealthCheckName];
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > within)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
