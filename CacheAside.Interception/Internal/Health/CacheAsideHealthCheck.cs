using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CacheAside.Interception.Internal.Health;

/// <summary>
/// Whether the cache of one container works: <see cref="HealthStatus.Healthy"/> when Redis answers a <c>PING</c>
/// and the circuit breaker lets commands through; otherwise <see cref="HealthStatus.Degraded"/>, never
/// <see cref="HealthStatus.Unhealthy"/>: without Redis every call still gets its implementation's answer, so the
/// application works, only slower, and an orchestrator must not restart it for that.
/// </summary>
/// <remarks>
/// The <c>PING</c> goes straight to the multiplexer, not through the breaker: a health probe is an observation,
/// and must neither open the breaker nor close it. It is bounded by <see cref="CacheAsideOptions.RedisTimeout"/>,
/// so a Redis that hangs costs the probe no more than it costs a call.
/// </remarks>
internal sealed class CacheAsideHealthCheck : IHealthCheck
{
    /// <summary>What a check without a cache reports: the host was set up without RegisterCacheAside in its Autofac container.</summary>
    internal const string NotRegistered = "The CacheAside health check found no CacheAside in the application's container: use Autofac as the host's service provider (UseServiceProviderFactory(new AutofacServiceProviderFactory())) and call RegisterCacheAside(...) in ConfigureContainer<ContainerBuilder>(...).";

    private readonly CacheEngine? _engine;

    /// <param name="engine">The container's cache; <see langword="null"/> when the container has none, which the check reports.</param>
    public CacheAsideHealthCheck(CacheEngine? engine) => _engine = engine;

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever Redis does is a state to report, never an exception of the probe.")]
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_engine is null)
        {
            // A set-up mistake, reported rather than thrown: a factory that throws turns the whole health
            // endpoint into an error, and the application itself may well work.
            return HealthCheckResult.Degraded(NotRegistered, data: new Dictionary<string, object> { ["reason"] = NotRegistered });
        }

        if (_engine.Store.Breaker.IsOpen)
        {
            return Degraded(
                "the circuit breaker is open after repeated Redis failures: calls go to their implementations without the cache until a probe after CacheAsideOptions.CircuitBreakerBreakDuration succeeds",
                "open");
        }

        var budget = _engine.Options.RedisTimeout;
        Task<TimeSpan> ping;
        try
        {
            ping = _engine.Store.Connection.GetDatabase(_engine.Options.Database).PingAsync();
        }
        catch (Exception ex)
        {
            return Degraded(Failed(ex), "closed");
        }

        try
        {
            var latency = await ping.WaitAsync(budget, _engine.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(
                $"Redis answered PING in {latency.TotalMilliseconds:0.###} ms.",
                new Dictionary<string, object>
                {
                    ["circuit_breaker"] = "closed",
                    ["redis_latency_ms"] = latency.TotalMilliseconds,
                });
        }
        catch (TimeoutException)
        {
            // The ping goes on unwatched; its later failure must not surface as an unobserved task exception.
            _ = ping.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return Degraded($"Redis did not answer PING within {budget.TotalMilliseconds:0.###} ms (CacheAsideOptions.RedisTimeout): calls go to their implementations without the cache", "closed");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return Degraded(Failed(ex), "closed");
        }
    }

    private static string Failed(Exception error) =>
        $"Redis failed PING ({RedisErrors.Describe(error)}): calls go to their implementations without the cache";

    private static HealthCheckResult Degraded(string reason, string breaker) => HealthCheckResult.Degraded(
        "CacheAside works without its cache: " + reason + ".",
        data: new Dictionary<string, object>
        {
            ["reason"] = reason,
            ["circuit_breaker"] = breaker,
        });
}
