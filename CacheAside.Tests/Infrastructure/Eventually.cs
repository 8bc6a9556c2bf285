using System.Diagnostics;

namespace CacheAside.Tests.Infrastructure;

/// <summary>
/// Waits, boundedly, for something that happens shortly after a call returns: a multiplexer's reconnect,
/// a repair in the background, a load another caller is sharing.
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
