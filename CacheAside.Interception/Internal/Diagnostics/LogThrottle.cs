using System.Collections.Concurrent;

namespace CacheAside.Interception.Internal.Diagnostics;

/// <summary>
/// Keeps repeated failures from flooding logs: the first failure of a kind for a method is logged at once,
/// later ones are counted, and the count is logged with the next failure once the interval has passed —
/// so an outage writes a warning per method and kind every interval, however many calls it fails.
/// </summary>
internal sealed class LogThrottle
{
    private readonly ConcurrentDictionary<(string Method, string Kind), Window> _windows = new();
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;

    public LogThrottle(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _intervalTicks = (long)(interval.TotalSeconds * time.TimestampFrequency);
        Interval = interval;
    }

    public TimeSpan Interval { get; }

    /// <summary>
    /// Counts one failure; says whether to log it, and how many were held back since the last one logged
    /// (0 for the first).
    /// </summary>
    public bool ShouldLog(string method, string kind, out long heldBack)
    {
        var window = _windows.GetOrAdd((method, kind), static _ => new Window());
        var now = _time.GetTimestamp();
        lock (window)
        {
            if (window.Logged && now - window.LastLogged < _intervalTicks)
            {
                window.HeldBack++;
                heldBack = 0;
                return false;
            }

            heldBack = window.HeldBack;
            window.HeldBack = 0;
            window.Logged = true;
            window.LastLogged = now;
            return true;
        }
    }

    private sealed class Window
    {
        public bool Logged;
        public long LastLogged;
        public long HeldBack;
    }
}
