using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CacheAside.Interception;

/// <summary>The health check of CacheAside, registered in one line: <c>services.AddHealthChecks().AddCacheAside()</c>.</summary>
public static class CacheAsideHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the cache that <c>RegisterCacheAside</c> put in the application's Autofac container:
    /// <see cref="HealthStatus.Healthy"/> when Redis answers a <c>PING</c> within
    /// <see cref="CacheAsideOptions.RedisTimeout"/>; <see cref="HealthStatus.Degraded"/> when it does not, fails,
    /// or the circuit breaker is open. Never <see cref="HealthStatus.Unhealthy"/>: the cache is optional, and with
    /// Redis down every call still gets its implementation's answer.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The result's data holds <c>circuit_breaker</c> (<c>open</c> while the breaker refuses commands, its one
    /// probe after a break included; otherwise <c>closed</c>), and <c>reason</c> when degraded or
    /// <c>redis_latency_ms</c> when healthy. The <c>PING</c> does not pass through the circuit
    /// breaker, so probes neither open nor close it.
    /// </para>
    /// <para>
    /// The check resolves the cache from the application's service provider, so the host must use Autofac
    /// (<c>AutofacServiceProviderFactory</c>) and call <c>RegisterCacheAside</c> in
    /// <c>ConfigureContainer&lt;ContainerBuilder&gt;</c>; when it does not, the check reports
    /// <see cref="HealthStatus.Degraded"/> with a description that says so.
    /// </para>
    /// </remarks>
    /// <param name="builder">The health checks builder, from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The name of the check.</param>
    /// <param name="tags">Tags to filter checks by, such as <c>"ready"</c>.</param>
    /// <returns>The health checks builder, for chaining.</returns>
    public static IHealthChecksBuilder AddCacheAside(this IHealthChecksBuilder builder, string name = CacheAsideDiagnostics.HealthCheckName, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.Add(new HealthCheckRegistration(name, Create, HealthStatus.Degraded, tags));
    }

    private static CacheAsideHealthCheck Create(IServiceProvider services) => new(services.GetService<CacheEngine>());
}
