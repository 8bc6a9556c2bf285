using System.Diagnostics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Redis;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Faults;

/// <summary>
/// Redis dies under load and comes back: no call fails, every answer is the implementation's, and caching
/// resumes by itself in the same container.
/// </summary>
public sealed class RedisKilledTests
{
    private const int Workers = 6;
    private const int Ids = 20;

    [Test]
    public async Task ServerKilledDuringAConcurrentWorkload_NoCallFails_AndEveryResultIsTheSources()
    {
        using var server = RedisServer.Start();
        var store = new ProductStore(TimeSpan.FromMilliseconds(1));
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint, o => o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(1));
        using var stop = new CancellationTokenSource();
        var workload = new Workload(harness.Service, store);

        // Synchronous callers get threads of their own, as request threads would; blocking thread-pool
        // threads instead would starve the pool that Redis replies are processed on.
        var workers = Enumerable.Range(0, Workers)
            .Select(w => w % 2 == 0
                ? Task.Factory.StartNew(() => workload.RunSync(w, stop.Token), TaskCreationOptions.LongRunning)
                : Task.Run(() => workload.RunAsync(w, stop.Token)))
            .ToArray();
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        await OutageAsync(server, stop, workers);

        TestContext.Out.WriteLine($"{workload.Calls} calls: {string.Join(", ", harness.Observer.Outcomes.GroupBy(o => o).Select(g => $"{g.Count()} {g.Key}"))}");
        Assert.That(workload.Failures, Is.Empty, "no call failed");
        Assert.That(workload.WrongResults, Is.Zero, "every read returned the implementation's row");
        Assert.That(workload.Calls, Is.GreaterThan(100), "the workload ran throughout");
        Assert.That(harness.Observer.Outcomes, Does.Contain(CacheOutcome.Hit), "the cache served before the kill");
        Assert.That(harness.Observer.Outcomes, Does.Contain(CacheOutcome.Bypass), "the outage was seen");
        Assert.That(harness.Observer.Outcomes, Does.Contain(CacheOutcome.InvalidationFailed), "writes went on during the outage");
    }

    [Test]
    public void ServerRestarted_HitsResumeWithinSeconds_WithoutANewContainer()
    {
        using var server = RedisServer.Start();
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint, o => o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(1));
        harness.Service.GetById(3);
        server.Kill();
        for (var i = 0; i < 20; i++)
        {
            harness.Service.GetById(3);
        }

        server.Restart();
        var resumed = Stopwatch.StartNew();
        var hit = false;
        while (!hit && resumed.Elapsed < TimeSpan.FromSeconds(20))
        {
            harness.Service.GetById(3);
            hit = harness.Observer.Last.Outcome == CacheOutcome.Hit;
            Thread.Sleep(50);
        }

        TestContext.Out.WriteLine($"first hit {resumed.Elapsed.TotalMilliseconds:0} ms after the restart");
        Assert.That(hit, Is.True, $"no hit within {resumed.Elapsed} of the restart");
        Assert.That(harness.Observer.Outcomes, Does.Contain(CacheOutcome.Bypass));
        Assert.That(Eventually.True(() => harness.Logs.WithId(15).Any()), Is.True, "the circuit breaker reported that it closed again");
    }

    [Test]
    public async Task ServerKilledUnderManyAsyncCallers_WhoseGetsGoOutInBatches_NoCallFails()
    {
        using var server = RedisServer.Start();
        var store = new ProductStore(TimeSpan.FromMilliseconds(1));
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint, o => o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(1));
        var redis = harness.Container.Resolve<CacheEngine>().Store;
        using var stop = new CancellationTokenSource();
        var workload = new Workload(harness.Service, store);

        var workers = Enumerable.Range(0, 32).Select(w => Task.Run(() => workload.RunAsync(w, stop.Token))).ToArray();
        Assert.That(SpinWait.SpinUntil(() => redis.Batches > 0, TimeSpan.FromSeconds(10)), Is.True, "GETs went out in batches before the kill");
        await OutageAsync(server, stop, workers);

        Assert.That(workload.Failures, Is.Empty, "no call failed");
        Assert.That(workload.WrongResults, Is.Zero, "every read returned the implementation's row");
        Assert.That(harness.Observer.Outcomes, Does.Contain(CacheOutcome.Bypass), "the outage was seen");
    }

    [Test]
    public async Task ABatchOfGets_SentAfterTheConnectionDied_FailsItsCommands_WithoutThrowingFromItsWorkItem()
    {
        using var server = RedisServer.Start();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(new ProductStore(), server.Endpoint);
        var store = harness.Container.Resolve<CacheEngine>().Store;
        server.Kill();
        Assert.That(SpinWait.SpinUntil(() => !store.Connection.IsConnected, TimeSpan.FromSeconds(10)), Is.True, "the multiplexer saw the server go");
        var batch = new GetBatch(store, store.Connection.GetDatabase().CreateBatch(), TimeProvider.System.GetTimestamp());
        Assert.That(batch.TryAdd(harness.Key("product:1"), out var reply), Is.True);

        // Thrown from the thread-pool work item that sends it, an exception would end the process.
        Assert.DoesNotThrow(batch.Execute);

        var settled = await Task.WhenAny(reply, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.That(settled, Is.SameAs(reply), "the command was failed, not left hanging");
        Assert.That(reply.IsFaulted, Is.True);
    }

    /// <summary>Kills the server under the running workers for a second, restarts it, and stops the workers 600 ms later.</summary>
    private static async Task OutageAsync(RedisServer server, CancellationTokenSource stop, Task[] workers)
    {
        server.Kill();
        await Task.Delay(TimeSpan.FromSeconds(1));
        server.Restart();
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        await stop.CancelAsync();
        await Task.WhenAll(workers);
    }

    /// <summary>
    /// Reads of every shape and writes of two shapes over a few rows. Writes store the row as it is, so no
    /// read can see stale data and every read must equal the implementation's row.
    /// </summary>
    private sealed class Workload(IProductRepository repository, ProductStore store)
    {
        private readonly List<Exception> _failures = [];
        private int _calls;
        private int _wrongResults;

        public int Calls => Volatile.Read(ref _calls);

        public int WrongResults => Volatile.Read(ref _wrongResults);

        public IReadOnlyList<Exception> Failures
        {
            get
            {
                lock (_failures)
                {
                    return _failures.ToArray();
                }
            }
        }

        /// <summary>Sync reads and writes, on the caller's thread.</summary>
        public void RunSync(int worker, CancellationToken stop) => Run(worker, (i, id) =>
        {
            var row = store.Row(id)!;
            if (i % 3 == 2)
            {
                repository.Update(row);
            }
            else
            {
                Check(repository.GetById(id), row);
            }

            return Task.CompletedTask;
        }, stop).GetAwaiter().GetResult();

        /// <summary>Task and ValueTask reads and writes.</summary>
        public Task RunAsync(int worker, CancellationToken stop) => Run(worker, async (i, id) =>
        {
            var row = store.Row(id)!;
            switch (i % 3)
            {
                case 0:
                    Check(await repository.GetByIdAsync(id), row);
                    break;
                case 1:
                    Check(await repository.GetByIdValueTaskAsync(id), row);
                    break;
                default:
                    await repository.UpdateAsync(row);
                    break;
            }
        }, stop);

        private async Task Run(int worker, Func<int, int, Task> call, CancellationToken stop)
        {
            for (var i = 0; !stop.IsCancellationRequested && i < 100_000; i++)
            {
                try
                {
                    await call(i, (((worker * 7) + i) % Ids) + 1);
                }
                catch (Exception ex)
                {
                    lock (_failures)
                    {
                        _failures.Add(ex);
                    }
                }

                Interlocked.Increment(ref _calls);
            }
        }

        private void Check(Product? actual, Product expected)
        {
            if (actual != expected)
            {
                Interlocked.Increment(ref _wrongResults);
            }
        }
    }
}
