using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CacheAside.Tests.Infrastructure;

/// <summary>An <see cref="ILoggerFactory"/> that keeps every message, at every level, for assertions.</summary>
public sealed class LogCapture : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    /// <summary>Everything written, messages and exceptions, as one text: for "never contains" checks.</summary>
    public string AllText => string.Join(Environment.NewLine, _entries.Select(e => $"{e.Level} {e.Message} {e.Exception}"));

    public IEnumerable<LogEntry> WithId(int eventId) => _entries.Where(e => e.EventId == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception), exception?.ToString()));
    }
}

public sealed record LogEntry(LogLevel Level, int EventId, string Message, string? Exception);
