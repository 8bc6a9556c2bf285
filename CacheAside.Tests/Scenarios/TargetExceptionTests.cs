using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>
/// What the implementation throws reaches the caller unchanged and is never cached: a task that faulted with
/// several exceptions reaches the caller with every one, a cancelled task as cancelled, with its token.
/// </summary>
public sealed class TargetExceptionTests
{
    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task FailingRead_ThrowsTheSameException_AndStoresNothing(ReadShape shape)
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store);
        var failure = new TimeoutException("the database timed out");
        store.Failure = failure;

        var thrown = await Assert.CatchAsync(() => harness.Service.Read(shape, 31));
        store.Failure = null;
        var afterwards = await harness.Service.Read(shape, 31);

        Assert.That(thrown, Is.SameAs(failure));
        Assert.That(afterwards, Is.EqualTo(store.Row(31)));
        Assert.That(store.Reads, Is.EqualTo(2), "the failure was not cached: the next read called the implementation");
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Miss }));
        Assert.That(harness.Observer.Events[0].Details.HasFlag(CacheEventDetails.TargetFailed), Is.True);
    }

    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task EverySourceCall_IsCountedAsALoad_WithHowItEnded(ReadShape shape)
    {
        var store = new ProductStore();
        using var loads = new MetricCapture(CacheAsideDiagnostics.Loads);
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        store.Failure = new TimeoutException("the database timed out");

        await Assert.CatchAsync(() => harness.Service.Read(shape, 31));
        store.Failure = null;
        await harness.Service.Read(shape, 31);

        var method = harness.Observer.Last.Method;
        Assert.That(loads.Count((CacheAsideDiagnostics.MethodTag, method), (CacheAsideDiagnostics.LoadResultTag, "failed")), Is.EqualTo(1), "the load that threw is counted");
        Assert.That(loads.Count((CacheAsideDiagnostics.MethodTag, method), (CacheAsideDiagnostics.LoadResultTag, "succeeded")), Is.EqualTo(1));
        Assert.That(store.Reads, Is.EqualTo(2));
    }

    [Test]
    public async Task ALoadEveryCallerGaveUp_IsCountedAsCanceled()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var loads = new MetricCapture(CacheAsideDiagnostics.Loads);
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        using var cancel = new CancellationTokenSource();
        source.Gate.Close();
        var loader = harness.Service.GetAsync(1, cancel.Token);
        Assert.That(source.Gate.WaitForArrival(), Is.True);

        await cancel.CancelAsync();
        await Assert.CatchAsync<OperationCanceledException>(() => loader);

        var method = harness.Observer.Last.Method;
        Assert.That(Eventually.True(() => loads.Count((CacheAsideDiagnostics.MethodTag, method), (CacheAsideDiagnostics.LoadResultTag, "canceled")) == 1), Is.True);
        source.Gate.Open();
    }

    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task ReadFaultedWithSeveralExceptions_FaultsTheCallersTaskWithEveryOne(ReadShape shape)
    {
        var source = new FaultingSource { Faults = [new InvalidOperationException("first"), new TimeoutException("second")] };
        using var harness = CacheAsideHarness<IFaultingRepository>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));

        var read = Read(harness.Service, shape);
        var thrown = await Assert.CatchAsync(() => read);

        Assert.That(thrown, Is.SameAs(source.Faults[0]), "await throws the first, as it would from the implementation's task");
        Assert.That(read.Exception!.InnerExceptions, Is.EqualTo(source.Faults), "the task holds every exception");
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("faulting:1")), Is.False);
    }

    [Test]
    public async Task ReadWithoutAKey_FaultedWithSeveralExceptions_FaultsTheCallersTaskWithEveryOne()
    {
        var source = new FaultingSource { Faults = [new InvalidOperationException("first"), new TimeoutException("second")] };
        using var harness = CacheAsideHarness<IFaultingRepository>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));

        var read = harness.Service.GetUnkeyedAsync(new UnrenderableKey());
        var thrown = await Assert.CatchAsync(() => read);

        Assert.That(thrown, Is.SameAs(source.Faults[0]));
        Assert.That(read.Exception!.InnerExceptions, Is.EqualTo(source.Faults));
        Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.KeyFailed | CacheEventDetails.TargetFailed));
    }

    [Test]
    public void SynchronousReadFailure_IsRethrownAsThrown_WithTheImplementationsStack()
    {
        var failure = new AggregateException(new InvalidOperationException("first"), new TimeoutException("second"));
        var source = new FaultingSource { SyncFailure = failure };
        using var harness = CacheAsideHarness<IFaultingRepository>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));

        var thrown = Assert.Catch(() => harness.Service.Get(1));

        Assert.That(thrown, Is.SameAs(failure));
        Assert.That(thrown!.StackTrace, Does.Contain(nameof(FaultingSource) + "." + nameof(FaultingSource.Get)), "the stack still shows where the implementation threw");
    }

    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task ReadCancelledByTheImplementation_CancelsTheCallersTask_WithItsToken(ReadShape shape)
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var source = new FaultingSource { CanceledBy = cancel.Token };
        using var harness = CacheAsideHarness<IFaultingRepository>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));

        var read = Read(harness.Service, shape);
        var thrown = await Assert.CatchAsync<OperationCanceledException>(() => read);

        Assert.That(read.IsCanceled, Is.True, "cancelled, not faulted");
        Assert.That(thrown!.CancellationToken, Is.EqualTo(cancel.Token));
    }

    [Test]
    public async Task CallersThatSharedAFaultedLoad_EachGetEveryException()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new FaultingSource { Faults = [new InvalidOperationException("first"), new TimeoutException("second")], Gate = gate };
        using var harness = CacheAsideHarness<IFaultingRepository>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        var engine = harness.Container.Resolve<CacheEngine>();
        var reads = Enumerable.Range(0, 3).Select(_ => harness.Service.GetAsync(1)).ToArray();
        Assert.That(Eventually.True(() => engine.Waiting(harness.Key("faulting:1"), sync: false) == 3), Is.True, "the three callers share one load");

        gate.SetResult();
        await Task.WhenAll(reads).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.That(source.Calls, Is.EqualTo(1));
        Assert.That(reads.Select(r => r.Exception!.InnerExceptions), Is.All.EqualTo(source.Faults));
    }

    [Test]
    public async Task CallersThatSharedACancelledLoad_AreEachCancelled_WithItsToken()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new FaultingSource { CanceledBy = cancel.Token, Gate = gate };
        using var harness = CacheAsideHarness<IFaultingRepository>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        var engine = harness.Container.Resolve<CacheEngine>();
        var reads = Enumerable.Range(0, 3).Select(_ => harness.Service.GetAsync(1)).ToArray();
        Assert.That(Eventually.True(() => engine.Waiting(harness.Key("faulting:1"), sync: false) == 3), Is.True, "the three callers share one load");

        gate.SetResult();
        await Task.WhenAll(reads).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.That(reads.Select(r => r.IsCanceled), Is.All.True);
        foreach (var read in reads)
        {
            var thrown = await Assert.CatchAsync<OperationCanceledException>(() => read);
            Assert.That(thrown!.CancellationToken, Is.EqualTo(cancel.Token));
        }
    }

    [TestCase(WriteShape.Task)]
    [TestCase(WriteShape.TaskOfT)]
    [TestCase(WriteShape.ValueTask)]
    [TestCase(WriteShape.ValueTaskOfT)]
    public async Task WriteFaultedWithSeveralExceptions_FaultsTheCallersTaskWithEveryOne_AndDeletesNothing(WriteShape shape)
    {
        var source = new FaultingSource();
        using var harness = CacheAsideHarness<IFaultingRepository>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        await harness.Service.GetAsync(1);
        source.Faults = [new InvalidOperationException("first"), new TimeoutException("second")];

        var write = Write(harness.Service, shape);
        var thrown = await Assert.CatchAsync(() => write);

        Assert.That(thrown, Is.SameAs(source.Faults[0]));
        Assert.That(write.Exception!.InnerExceptions, Is.EqualTo(source.Faults));
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("faulting:1")), Is.True, "a failed write invalidates nothing");
    }

    [TestCase(WriteShape.Task)]
    [TestCase(WriteShape.TaskOfT)]
    [TestCase(WriteShape.ValueTask)]
    [TestCase(WriteShape.ValueTaskOfT)]
    public async Task WriteCancelledByTheImplementation_CancelsTheCallersTask_WithItsToken(WriteShape shape)
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var source = new FaultingSource { CanceledBy = cancel.Token };
        using var harness = CacheAsideHarness<IFaultingRepository>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));

        var write = Write(harness.Service, shape);
        var thrown = await Assert.CatchAsync<OperationCanceledException>(() => write);

        Assert.That(write.IsCanceled, Is.True, "cancelled, not faulted");
        Assert.That(thrown!.CancellationToken, Is.EqualTo(cancel.Token));
    }

    /// <summary>The caller's task of a read, as the proxy returned it (a <see cref="ValueTask{TResult}"/>'s own task).</summary>
    private static Task<string> Read(IFaultingRepository repository, ReadShape shape) =>
        shape == ReadShape.Task ? repository.GetAsync(1) : repository.GetValueTaskAsync(1).AsTask();

    private static Task Write(IFaultingRepository repository, WriteShape shape) => shape switch
    {
        WriteShape.Task => repository.SaveAsync(1),
        WriteShape.TaskOfT => repository.SaveCountedAsync(1),
        WriteShape.ValueTask => repository.SaveValueTaskAsync(1).AsTask(),
        _ => repository.SaveCountedValueTaskAsync(1).AsTask(),
    };
}
