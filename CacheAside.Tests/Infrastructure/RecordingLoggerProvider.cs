using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CacheAside.Tests.Infrastructure;

/// <summary>A logger provider for a host's logging pipeline that keeps every message with its category.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, int EventId, string Message)> _entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, int EventId, string Message)> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider._entries.Enqueue((category, logLevel, eventId.Id, formatter(state, exception)));
    }
}
