using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Health;

/// <summary>
/// Whether the cache of one container works: <see cref="HealthStatus.Healthy"/> when Redis answers a <c>PING</c>
/// on every connection the cache uses and the circuit breaker lets commands through; otherwise
/// <see cref="HealthStatus.Degraded"/>, never <see cref="HealthStatus.Unhealthy"/>: without Redis every call still
/// gets its implementation's answer, so the application works, only slower, and an orchestrator must not restart
/// it for that.
/// </summary>
/// <remarks>
/// While the breaker is closed, the <c>PING</c>s go straight to the multiplexers, not through the breaker: a health
/// probe is an observation, and must not open it. Once a break is over and no call has probed Redis since, the
/// check's <c>PING</c> is the breaker's probe, so the cache comes back when Redis does, whether or not calls come
/// (an idle service would otherwise report the outage until its first call). Every <c>PING</c> is bounded by
/// <see cref="CacheAsideOptions.RedisTimeout"/>, so a Redis that hangs costs the check no more than it costs a call.
/// </remarks>
internal sealed class CacheAsideHealthCheck : IHealthCheck
{
    /// <summary>What a check without a cache reports: the host was set up without RegisterCacheAside in its Autofac container.</summary>
    internal const string NotRegistered = "The CacheAside health check found no CacheAside in the application's container: use Autofac as the host's service provider (UseServiceProviderFactory(new AutofacServiceProviderFactory())) and call RegisterCacheAside(...) in ConfigureContainer<ContainerBuilder>(...).";

    private const string Open = "the circuit breaker is open after repeated Redis failures: calls go to their implementations without the cache until a probe after CacheAsideOptions.CircuitBreakerBreakDuration succeeds";

    private const string WithoutCache = ": calls go to their implementations without the cache";

    private readonly CacheEngine? _engine;

    /// <param name="engine">The container's cache; <see langword="null"/> when the container has none, which the check reports.</param>
    public CacheAsideHealthCheck(CacheEngine? engine) => _engine = engine;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_engine is null)
        {
            // A set-up mistake, reported rather than thrown: a factory that throws turns the whole health
            // endpoint into an error, and the application itself may well work.
            return HealthCheckResult.Degraded(NotRegistered, data: new Dictionary<string, object> { ["reason"] = NotRegistered });
        }

        var store = _engine.Store;
        var budget = _engine.Options.RedisTimeout;
        if (store.Breaker.IsOpen)
        {
            // Within its break, or its probe out: the breaker refuses commands. After the break: this check probes.
            if (store.Breaker.IsRefusing || (await store.ProbeAsync(budget).ConfigureAwait(false)).Status is not (ReplyStatus.Ok or ReplyStatus.Refused) || store.Breaker.IsOpen)
            {
                return Degraded(Open, "open");
            }
        }

        var (latency, problem) = await PingAsync(store.Connection, budget, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return Degraded(problem + WithoutCache, "closed");
        }

        if (!ReferenceEquals(store.Writes, store.Connection)
            && (await PingAsync(store.Writes, budget, cancellationToken).ConfigureAwait(false)).Problem is { } writes)
        {
            return Degraded($"on the connection of writes, {writes}: hits still come from the cache, and invalidations that fail are retried until Redis takes them", "closed", "CacheAside cannot invalidate: ");
        }

        return HealthCheckResult.Healthy(
            $"Redis answered PING in {latency.TotalMilliseconds:0.###} ms.",
            new Dictionary<string, object>
            {
                ["circuit_breaker"] = "closed",
                ["redis_latency_ms"] = latency.TotalMilliseconds,
            });
    }

    /// <summary>A <c>PING</c> straight to <paramref name="connection"/>, within <paramref name="budget"/>: its latency, or what went wrong.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever Redis does is a state to report, never an exception of the probe.")]
    private async Task<(TimeSpan Latency, string? Problem)> PingAsync(IConnectionMultiplexer connection, TimeSpan budget, CancellationToken cancellationToken)
    {
        Task<TimeSpan> ping;
        try
        {
            ping = connection.GetDatabase(_engine!.Options.Database).PingAsync();
        }
        catch (Exception ex)
        {
            return (default, Failed(ex));
        }

        try
        {
            return (await ping.WaitAsync(budget, _engine.Options.TimeProvider, cancellationToken).ConfigureAwait(false), null);
        }
        catch (TimeoutException)
        {
            // The ping goes on unwatched; its later failure must not surface as an unobserved task exception.
            _ = ping.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return (default, $"Redis did not answer PING within {budget.TotalMilliseconds:0.###} ms (CacheAsideOptions.RedisTimeout)");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return (default, Failed(ex));
        }
    }

    private static string Failed(Exception error) => $"Redis failed PING ({RedisErrors.Describe(error)})";

    private static HealthCheckResult Degraded(string reason, string breaker, string what = "CacheAside works without its cache: ") => HealthCheckResult.Degraded(
        what + reason + ".",
        data: new Dictionary<string, object>
        {
            ["reason"] = reason,
            ["circuit_breaker"] = breaker,
        });
}
