using System.Diagnostics;

namespace CacheAside.Tests.Infrastructure;

/// <summary>
/// Waits, boundedly, for something that happens shortly after a call returns: the circuit breaker's
/// state-change reports (Polly raises them in order on a background task), a multiplexer's reconnect.
/// </summary>
public static class Eventually
{
    public static bool True(Func<bool> condition, TimeSpan? within = null)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > (within ?? TimeSpan.FromSeconds(5)))
            {
                return false;
            }

            Thread.Sleep(10);
        }

        return true;
    }
}
