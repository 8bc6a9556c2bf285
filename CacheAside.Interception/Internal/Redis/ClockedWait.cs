namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// How a synchronous caller blocks for a task, at most a time span of the configured clock — the clock of an
/// asynchronous caller's wait for the same thing. It always waits in the kernel, released by whichever thread
/// completes the task, so neither its answer nor its timeout ever needs a thread-pool thread.
/// </summary>
internal static class ClockedWait
{
    /// <summary>
    /// The longest real time a wait on a clock other than the system's goes without reading it: how late, at most, its
    /// timeout is seen, as the budget clock's tick is for asynchronous waits.
    /// </summary>
    private static readonly TimeSpan s_slice = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Blocks until <paramref name="task"/> completes (in any way), or until <paramref name="timeout"/>, counted from
    /// <paramref name="started"/> (a timestamp of <paramref name="time"/>), has passed on <paramref name="time"/>.
    /// </summary>
    /// <returns>Whether the task completed.</returns>
    public static bool Block(Task task, TimeProvider time, long started, TimeSpan timeout)
    {
        if (ReferenceEquals(time, TimeProvider.System))
        {
            // Real time is the clock: one kernel wait of what is left, nothing to read in between.
            return Wait(task, Left(time, started, timeout));
        }

        // Any other clock (a test's, a shifted one) may run faster or slower than real time, or stand still: the wait is
        // cut into short kernel waits, between which the clock is read, so it ends when that clock says it has.
        while (true)
        {
            var left = Left(time, started, timeout);
            if (left == TimeSpan.Zero)
            {
                return task.IsCompleted;
            }

            if (Wait(task, left < s_slice ? left : s_slice))
            {
                return true;
            }
        }
    }

    private static TimeSpan Left(TimeProvider time, long started, TimeSpan timeout)
    {
        var left = timeout - time.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static bool Wait(Task task, TimeSpan timeout)
    {
        try
        {
            return task.Wait(timeout);
        }
        catch (AggregateException)
        {
            // Completed by failing or being cancelled: the caller reads how.
            return true;
        }
    }
}
