using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Leases;

/// <summary>
/// A caller's token stops its own wait for a shared load, never the load other callers share; the load
/// itself is cancelled only once every caller waiting for it has given up.
/// </summary>
public sealed class CancellationTests
{
    [Test]
    public async Task CancelledWaiter_GetsOperationCanceled_AndTheLoadGoesOnForTheOthers()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source);
        var engine = harness.Container.Resolve<CacheEngine>();
        source.Gate.Close();
        var loader = harness.Service.GetAsync(1);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        using var cancel = new CancellationTokenSource();
        var waiter = harness.Service.GetAsync(1, cancel.Token);
        Assert.That(Eventually.True(() => engine.Waiting(harness.Key("row:1"), sync: false) == 2), Is.True);

        await cancel.CancelAsync();

        await Assert.CatchAsync<OperationCanceledException>(() => waiter);
        source.Gate.Open();
        Assert.That(await loader, Is.EqualTo("v1"));
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("row:1")), Is.True, "the shared load stored");
        Assert.That(harness.Observer.Events.Count(e => e.Details.HasFlag(CacheEventDetails.Canceled)), Is.EqualTo(1));
    }

    [Test]
    public async Task CancelledLoader_GetsOperationCanceled_WhileItsLoadServesTheCallersThatJoined()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source);
        var engine = harness.Container.Resolve<CacheEngine>();
        using var cancel = new CancellationTokenSource();
        source.Gate.Close();
        var loader = harness.Service.GetAsync(1, cancel.Token);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        var joined = harness.Service.GetAsync(1);
        Assert.That(Eventually.True(() => engine.Waiting(harness.Key("row:1"), sync: false) == 2), Is.True);

        await cancel.CancelAsync();

        await Assert.CatchAsync<OperationCanceledException>(() => loader);
        source.Gate.Open();
        Assert.That(await joined, Is.EqualTo("v1"), "the load was not cancelled: a caller still waited for it");
        TestContext.Out.WriteLine(string.Join(Environment.NewLine, harness.Observer.Events.Select(e => $"{e.Outcome} {e.Details}")));
        Assert.That(source.Loads, Is.EqualTo(1));
    }

    [Test]
    public async Task WhenEveryCallerGivesUp_TheLoadIsCancelled_AndNothingIsStored()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source);
        using var cancel = new CancellationTokenSource();
        source.Gate.Close();
        var loader = harness.Service.GetAsync(1, cancel.Token);
        Assert.That(source.Gate.WaitForArrival(), Is.True);

        await cancel.CancelAsync();

        await Assert.CatchAsync<OperationCanceledException>(() => loader);
        Assert.That(Eventually.True(() => !harness.Redis.KeyExists(harness.Key("row:1") + ":lease")), Is.True, "the cancelled load released its lease");
        source.Gate.Open();
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("row:1")), Is.False);
        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v1"));
        Assert.That(source.Loads, Is.EqualTo(2));
    }

    [Test]
    public async Task ACallerArrivingAfterEveryOtherGaveUp_IsNotHandedTheirCancellation()
    {
        var source = new SlowToCancel();
        using var harness = CacheAsideHarness<ISlowToCancel>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        using var cancel = new CancellationTokenSource();
        var gaveUp = harness.Service.GetAsync(1, cancel.Token);
        Assert.That(source.Arrived.Wait(TimeSpan.FromSeconds(10)), Is.True);

        await cancel.CancelAsync();
        await Assert.CatchAsync<OperationCanceledException>(() => gaveUp);
        var later = harness.Service.GetAsync(1, CancellationToken.None);
        source.Release.Set();

        Assert.That(await later, Is.EqualTo("v1"), "the later caller, who cancelled nothing, gets the value");
        Assert.That(source.Loads, Is.EqualTo(2), "the abandoned load, then the later caller's own");
        Assert.That(Eventually.True(() => harness.Redis.KeyExists(harness.Key("slow:1"))), Is.True, "the later caller's load was stored");
    }

    [Test]
    public async Task AnAbandonedLoad_IsNotASourceFailure_SoFailSafeKeepsNothing()
    {
        var source = new SlowToCancel();
        var clock = new ShiftedClock();
        using var harness = CacheAsideHarness<ISlowToCancel>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.FailSafeWindow = TimeSpan.FromSeconds(60);
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        source.Release.Set();
        await harness.Service.GetAsync(1, CancellationToken.None);
        source.Release.Reset();
        clock.Offset = TimeSpan.FromSeconds(61);
        using var cancel = new CancellationTokenSource();
        var gaveUp = harness.Service.GetAsync(1, cancel.Token);
        Assert.That(source.Arrived.Wait(TimeSpan.FromSeconds(10)), Is.True);

        await cancel.CancelAsync();
        await Assert.CatchAsync<OperationCanceledException>(() => gaveUp);
        source.Release.Set();

        Assert.That(Eventually.True(() => !harness.Redis.KeyExists(harness.Key("slow:1") + ":lease")), Is.True, "the abandoned load released its lease");
        Assert.That(EntryHeader.Read(harness.Redis, harness.Key("slow:1"))!.ExpiredAtMs, Is.Zero, "the entry was not kept as a fallback: the source did not fail");
    }

    [Test]
    public void ASynchronousCallerThatLoads_CanCancelItsLoad()
    {
        var source = new SlowToCancel();
        using var harness = CacheAsideHarness<ISlowToCancel>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        using var cancel = new CancellationTokenSource();
        var call = Task.Factory.StartNew(() => harness.Service.Get(1, cancel.Token), TaskCreationOptions.LongRunning);
        Assert.That(source.Arrived.Wait(TimeSpan.FromSeconds(10)), Is.True);

        cancel.Cancel();

        Assert.That(Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(5))).Result, Is.SameAs(call), "the load saw the caller's token");
        Assert.That(call.Exception?.InnerException, Is.InstanceOf<OperationCanceledException>());
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.Canceled), Is.True);
    }

    /// <summary>Reads with a token, as a repository over a database would.</summary>
    public interface ISlowToCancel
    {
        [Cached("slow:{id}", TtlSeconds = 60)]
        Task<string> GetAsync(int id, CancellationToken cancellationToken);

        [Cached("slow:{id}", TtlSeconds = 60)]
        string Get(int id, CancellationToken cancellationToken);
    }

    /// <summary>A source that looks at its token only after it is released, or while it waits synchronously.</summary>
    public sealed class SlowToCancel : ISlowToCancel
    {
        private int _loads;

        public ManualResetEventSlim Arrived { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public int Loads => Volatile.Read(ref _loads);

        public async Task<string> GetAsync(int id, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _loads);
            Arrived.Set();
            await Task.Run(() => Release.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            return "v" + id;
        }

        public string Get(int id, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _loads);
            Arrived.Set();
            Release.Wait(TimeSpan.FromSeconds(30), cancellationToken);
            return "v" + id;
        }
    }
}
