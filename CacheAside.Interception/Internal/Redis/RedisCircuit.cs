using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CacheAside.Interception.Internal.Diagnostics;
using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// Polly's circuit breaker around every Redis command of one container. After repeated failures it opens:
/// commands are refused at once, without touching the multiplexer, for the break duration; then one command
/// probes Redis, and its success closes the circuit again.
/// </summary>
/// <remarks>
/// Commands run through <c>ExecuteOutcomeAsync</c> and hand back failures as outcomes, so neither a Redis
/// failure nor the open circuit costs a thrown exception. A WRONGTYPE reply is Redis answering, not failing,
/// and does not count against it.
/// </remarks>
[SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Every Redis failure becomes an outcome the breaker counts; none may reach the caller.")]
internal sealed class RedisCircuit
{
    private readonly ResiliencePipeline<RedisValue> _pipeline;

    public RedisCircuit(CacheAsideOptions options, CacheAsideTelemetry telemetry)
    {
        var breaker = new CircuitBreakerStrategyOptions<RedisValue>
        {
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = options.CircuitBreakerSamplingDuration,
            BreakDuration = options.CircuitBreakerBreakDuration,
            ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Exception is { } error && !RedisErrors.IsWrongType(error)),
            OnOpened = args =>
            {
                telemetry.CircuitOpened(args.BreakDuration, args.Outcome.Exception);
                return default;
            },
            OnHalfOpened = _ =>
            {
                telemetry.CircuitHalfOpened();
                return default;
            },
            OnClosed = _ =>
            {
                telemetry.CircuitClosed();
                return default;
            },
        };

        _pipeline = new ResiliencePipelineBuilder<RedisValue> { TimeProvider = options.TimeProvider }
            .AddCircuitBreaker(breaker)
            .Build();
    }

    /// <summary>Runs a synchronous command through the breaker; never throws for Redis.</summary>
    public Outcome<RedisValue> Execute<TState>(Func<TState, RedisValue> command, TState state)
    {
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            var pending = _pipeline.ExecuteOutcomeAsync(
                static (_, s) =>
                {
                    try
                    {
                        return Outcome.FromResultAsValueTask(s.Command(s.State));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromExceptionAsValueTask<RedisValue>(ex);
                    }
                },
                context,
                (Command: command, State: state));

            // The breaker and the command both complete synchronously, so this never blocks; the fallback
            // is only there to stay correct should a future strategy complete later.
            return pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Runs an asynchronous command through the breaker, awaiting it no longer than <paramref name="budget"/>; never throws for Redis.</summary>
    public async ValueTask<Outcome<RedisValue>> ExecuteAsync<TState>(Func<TState, Task<RedisValue>> command, TState state, TimeSpan budget, TimeProvider time)
    {
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: false);
        try
        {
            return await _pipeline.ExecuteOutcomeAsync(
                static async (_, s) =>
                {
                    Task<RedisValue>? pending = null;
                    try
                    {
                        pending = s.Command(s.State);
                        return Outcome.FromResult(await pending.WaitAsync(s.Budget, s.Time).ConfigureAwait(false));
                    }
                    catch (TimeoutException) when (pending is not null && !pending.IsFaulted)
                    {
                        // WaitAsync gave up on the budget; the command itself did not time out.
                        Abandon(pending);
                        return Outcome.FromException<RedisValue>(BudgetExceeded(s.Budget));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<RedisValue>(ex);
                    }
                },
                context,
                (Command: command, State: state, Budget: budget, Time: time)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The error of an async command that did not answer within the budget; <see cref="RedisErrors.Describe"/> shows its message.</summary>
    internal static TimeoutException BudgetExceeded(TimeSpan budget) =>
        new($"no answer within {budget.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms (CacheAsideOptions.RedisTimeout)");

    /// <summary>Lets a command that ran past its budget finish unwatched: its later error is observed, never reported as unobserved.</summary>
    internal static void Abandon(Task pending) =>
        pending.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
