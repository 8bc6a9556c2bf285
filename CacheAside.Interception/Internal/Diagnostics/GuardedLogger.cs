using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace CacheAside.Interception.Internal.Diagnostics;

/// <summary>
/// The application's logger, through which nothing it throws gets out: a logging provider that fails (a full
/// disk, a closed sink) must fail neither a repository call nor the cache's own work, such as the breaker's.
/// </summary>
internal sealed class GuardedLogger(ILogger inner) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => Try(static s => s.inner.BeginScope(s.state), (inner, state));

    public bool IsEnabled(LogLevel logLevel) => Try(static s => s.inner.IsEnabled(s.logLevel), (inner, logLevel));

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A logging provider's failure must never reach a repository caller.")]
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
        catch (Exception)
        {
            // Dropped: the message is lost, the call goes on.
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A logging provider's failure must never reach a repository caller.")]
    private static TResult? Try<TState, TResult>(Func<TState, TResult> call, TState state)
    {
        try
        {
            return call(state);
        }
        catch (Exception)
        {
            return default;
        }
    }
}
