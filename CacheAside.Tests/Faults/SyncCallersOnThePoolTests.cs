using System.Collections.Concurrent;
using System.Diagnostics;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Faults;

/// <summary>
/// Synchronous cached methods called from thread-pool threads — an ASP.NET controller calling a sync
/// repository — with the default thread-pool settings: the cache works, and under a frozen Redis each call
/// still returns within the budget.
/// </summary>
public sealed class SyncCallersOnThePoolTests
{
    private const int Requests = 48;

    [Test]
    public void SyncCallersOnPoolThreads_HitWithRedisHealthy_AndStayBoundedWhenItFreezes()
    {
        using var server = RedisServer.Start();
        var store = new ProductStore(TimeSpan.FromMilliseconds(2));
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint);
        for (var id = 1; id <= 20; id++)
        {
            harness.Service.GetById(id);
        }

        harness.Observer.Clear();
        var healthy = Run(harness.Service, TimeSpan.FromSeconds(3));
        var hits = harness.Observer.Outcomes.Count(o => o == CacheOutcome.Hit);
        var reads = harness.Observer.Outcomes.Count;

        server.Pause();
        Measured frozen;
        try
        {
            frozen = Run(harness.Service, TimeSpan.FromSeconds(1));
        }
        finally
        {
            server.Resume();
        }

        TestContext.Out.WriteLine($"healthy: {healthy.Calls} calls, {hits} hits of {reads} reads, slowest {healthy.Slowest.TotalMilliseconds:0} ms; frozen: {frozen.Calls} calls, slowest {frozen.Slowest.TotalMilliseconds:0} ms");
        Assert.That(healthy.Failures, Is.Empty);
        Assert.That(frozen.Failures, Is.Empty);
        Assert.That((double)hits / reads, Is.GreaterThanOrEqualTo(0.95), "the cache works for synchronous callers on pool threads");
        Assert.That(frozen.Slowest, Is.LessThan(TimeSpan.FromSeconds(1)), "each call waited at most the budget (50 ms) plus scheduling on a busy machine");
    }

    [Test]
    public void WithEveryPoolThreadBusy_SynchronousMissesStore_AndSynchronousWritesInvalidate()
    {
        using var server = RedisServer.Start();
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint);
        harness.Service.GetById(1);
        harness.Service.Update(store.GetById(1)!);
        harness.Observer.Clear();

        // Every pool thread, and the ones the pool adds meanwhile, is kept busy; the calls run on a thread of their own.
        var outcomes = new List<CacheOutcome>();
        using (BusyPool.Occupy())
        {
            var caller = new Thread(() =>
            {
                harness.Service.GetById(2);
                outcomes.Add(harness.Observer.Last.Outcome);
                harness.Service.GetById(2);
                outcomes.Add(harness.Observer.Last.Outcome);
                harness.Service.Update(store.GetById(2)!);
                outcomes.Add(harness.Observer.Last.Outcome);
            });
            caller.Start();
            Assert.That(caller.Join(TimeSpan.FromSeconds(20)), Is.True);
        }

        Assert.That(outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit, CacheOutcome.Invalidated }), "the lease steps, the store and the invalidation are released by the connection's own reader thread, as a GET is, without the pool");
    }

    /// <summary>Runs <see cref="Requests"/> chains of synchronous calls as pool work items, each call a request.</summary>
    private static Measured Run(IProductRepository repository, TimeSpan duration)
    {
        var failures = new ConcurrentQueue<Exception>();
        var slowest = 0L;
        var calls = 0L;
        var deadline = Stopwatch.StartNew();
        using var done = new CountdownEvent(Requests);
        for (var r = 0; r < Requests; r++)
        {
            var id = 1 + (r % 20);
            void Next(object? state)
            {
                if (deadline.Elapsed > duration)
                {
                    done.Signal();
                    return;
                }

                var started = Stopwatch.GetTimestamp();
                try
                {
                    repository.GetById(id);
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex);
                }

                var took = Stopwatch.GetTimestamp() - started;
                long seen;
                while ((seen = Interlocked.Read(ref slowest)) < took && Interlocked.CompareExchange(ref slowest, took, seen) != seen)
                {
                }

                Interlocked.Increment(ref calls);
                ThreadPool.QueueUserWorkItem(Next);
            }

            ThreadPool.QueueUserWorkItem(Next);
        }

        Assert.That(done.Wait(duration + TimeSpan.FromSeconds(30)), Is.True, "the requests finished");
        return new Measured(Interlocked.Read(ref calls), Stopwatch.GetElapsedTime(0, Interlocked.Read(ref slowest)), [.. failures]);
    }

    private sealed record Measured(long Calls, TimeSpan Slowest, Exception[] Failures);
}
