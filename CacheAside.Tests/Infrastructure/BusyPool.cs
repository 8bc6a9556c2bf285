namespace CacheAside.Tests.Infrastructure;

/// <summary>Keeps every thread-pool thread busy, and the ones the pool adds meanwhile, until disposed.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "Threads of the pool may still be inside its wait.")]
public sealed class BusyPool : IDisposable
{
    private readonly ManualResetEventSlim _release = new();

    private BusyPool()
    {
        for (var i = 0; i < 500; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static r => ((ManualResetEventSlim)r!).Wait(TimeSpan.FromSeconds(30)), _release);
        }

        // Until the items queued first hold every thread, a continuation queued next could still run.
        var until = DateTime.UtcNow.AddSeconds(5);
        while (ThreadPool.PendingWorkItemCount == 0 && DateTime.UtcNow < until)
        {
            Thread.Sleep(1);
        }
    }

    public static BusyPool Occupy() => new();

    /// <summary>Releases the pool's threads. The event is left to the garbage collector: a thread still inside its wait must not find it disposed.</summary>
    public void Dispose() => _release.Set();
}
