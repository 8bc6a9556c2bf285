using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace CacheAside.Interception.Internal.Diagnostics;

/// <summary>
/// The application's logger, through which nothing it throws gets out: a logging provider that fails (a full
/// disk, a closed sink) must fail neither a repository call nor the cache's own work, such as the breaker's.
/// </summary>
[SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A logging provider's failure must never reach a repository caller.")]
internal sealed class GuardedLogger(ILogger inner) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        try
        {
            return inner.BeginScope(state);
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <remarks>Asked at the end of every call (whether a debug line is wanted): a plain call in a try block.</remarks>
    public bool IsEnabled(LogLevel logLevel)
    {
        try
        {
            return inner.IsEnabled(logLevel);
        }
        catch (Exception)
        {
            return false;
        }
    }

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
}
