using System.Diagnostics;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace CacheAside.Tests.Observability;

/// <summary>
/// Spans as the OpenTelemetry SDK collects them: one per call on the <c>CacheAside</c> source, a child of the
/// caller's span, with the method, the outcome and the Redis commands, and no key or value unless asked for.
/// </summary>
public sealed class TracingTests
{
    private static readonly ActivitySource s_caller = new("CacheAside.Tests.Caller");

    private readonly List<Activity> _exported = [];
    private TracerProvider _tracing = null!;

    [SetUp]
    public void StartTracing() => _tracing = Sdk.CreateTracerProviderBuilder()
        .AddSource(CacheAsideDiagnostics.ActivitySourceName, s_caller.Name)
        .AddInMemoryExporter(_exported)
        .Build()!;

    [TearDown]
    public void StopTracing() => _tracing.Dispose();

    [Test]
    public async Task MissThenHit_AreTwoSpans_UnderTheCallersSpan_WithMethodOutcomeAndCommands()
    {
        var store = new ProductStore(latency: TimeSpan.FromMilliseconds(50));
        using var harness = CacheAsideHarness<IProductRepository>.Create(store);

        var spans = await Traced(async () =>
        {
            await harness.Service.GetByIdAsync(1);
            await harness.Service.GetByIdAsync(1);
        });

        Assert.That(spans.Select(s => (s.OperationName, s.Kind)), Is.EqualTo(new[] { (CacheAsideDiagnostics.ReadActivityName, ActivityKind.Internal), (CacheAsideDiagnostics.ReadActivityName, ActivityKind.Internal) }));
        Assert.That(spans.Select(s => s.GetTagItem(CacheAsideDiagnostics.OutcomeTag)), Is.EqualTo(new[] { "miss", "hit" }));
        Assert.That(spans.Select(s => s.GetTagItem(CacheAsideDiagnostics.RedisCommandsTag)), Is.EqualTo(new[] { "get lease set", "get" }));
        Assert.That(spans.Select(s => s.GetTagItem(CacheAsideDiagnostics.MethodTag)), Is.All.EqualTo("IProductRepository.GetByIdAsync(int, CancellationToken)"));
        Assert.That(spans.Select(s => s.GetTagItem(CacheAsideDiagnostics.OperationTag)), Is.All.EqualTo("read"));
        Assert.That(spans.Select(s => s.Status), Is.All.EqualTo(ActivityStatusCode.Unset));
        Assert.That(spans[0].Duration, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(45)), "the miss's span starts when the call did, before the source's latency");
        Assert.That(spans[1].Duration, Is.LessThan(spans[0].Duration), "the hit did not wait for the source");
        Assert.That(spans[1].StartTimeUtc, Is.GreaterThanOrEqualTo(spans[0].StartTimeUtc + spans[0].Duration - TimeSpan.FromMilliseconds(1)), "the spans are dated as the calls ran");
    }

    [Test]
    public async Task Spans_CarryNoKeyAndNoValue_ByDefault()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore());

        var spans = await Traced(async () => await harness.Service.GetByIdAsync(7));

        var tags = spans.SelectMany(s => s.TagObjects).ToList();
        Assert.That(tags.Select(t => t.Key), Does.Not.Contain(CacheAsideDiagnostics.KeysTag));
        Assert.That(tags.Select(t => t.Value?.ToString()), Has.None.Contains("product:7").And.None.Contains("Product 7"));
    }

    [Test]
    public async Task RecordKeysInTraces_PutsTheFullKeysInTheSpan()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore(), o => o.RecordKeysInTraces = true);

        var spans = await Traced(async () =>
        {
            await harness.Service.GetByIdAsync(7);
            await harness.Service.InsertAsync(new Product(60, "New", 1m));
        });

        Assert.That(spans[0].GetTagItem(CacheAsideDiagnostics.KeysTag), Is.EqualTo(new[] { harness.Key("product:7") }));
        Assert.That(spans[1].GetTagItem(CacheAsideDiagnostics.KeysTag), Is.EqualTo(new[] { harness.Key("product:60"), harness.Key("product-count") }));
        Assert.That(spans.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString()), Has.None.Contains("Product 7"), "values are never recorded");
    }

    [Test]
    public async Task Write_IsAWriteSpan_ThatInvalidatedWithDel()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore());

        var spans = await Traced(() => harness.Service.UpdateAsync(new Product(3, "Changed", 2m)));

        Assert.That(spans, Has.Count.EqualTo(1));
        Assert.That(spans[0].OperationName, Is.EqualTo(CacheAsideDiagnostics.WriteActivityName));
        Assert.That(spans[0].GetTagItem(CacheAsideDiagnostics.OutcomeTag), Is.EqualTo("invalidated"));
        Assert.That(spans[0].GetTagItem(CacheAsideDiagnostics.RedisCommandsTag), Is.EqualTo("del"));
    }

    [Test]
    public async Task ExplicitInvalidation_IsAnInvalidateSpan()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore());

        var spans = await Traced(async () => await harness.Invalidator.InvalidateAsync($"product:{3}"));

        Assert.That(spans.Select(s => (s.OperationName, s.GetTagItem(CacheAsideDiagnostics.OutcomeTag))), Is.EqualTo(new[] { (CacheAsideDiagnostics.InvalidateActivityName, (object?)"invalidated") }));
    }

    [Test]
    public async Task FailingImplementation_MakesAnErrorSpan_WithTheDetail()
    {
        var store = new ProductStore { Failure = new TimeoutException("the database timed out") };
        using var harness = CacheAsideHarness<IProductRepository>.Create(store);

        var spans = await Traced(async () => await Assert.ThrowsAsync<TimeoutException>(async () => await harness.Service.GetByIdAsync(2)));

        Assert.That(spans, Has.Count.EqualTo(1));
        Assert.That(spans[0].Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(spans[0].GetTagItem(CacheAsideDiagnostics.DetailsTag), Is.EqualTo("target_failed"));
        Assert.That(spans[0].GetTagItem(CacheAsideDiagnostics.RedisCommandsTag), Is.EqualTo("get lease"));
        Assert.That(spans[0].StatusDescription, Is.EqualTo("The implementation failed; its exception reached the caller unchanged."));
        Assert.That(spans[0].GetTagItem(CacheAsideDiagnostics.StaleReasonTag), Is.Null);
    }

    [Test]
    public async Task FailSafeServingTheLastValue_SaysTheSourceFailed_AndTheStaleValueWasServed_NotThatTheExceptionReachedTheCaller()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.FailSafeWindow = TimeSpan.FromSeconds(60);
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        await harness.Service.GetAsync(1);
        clock.Offset = TimeSpan.FromSeconds(61);
        source.FailNext(1);

        var spans = await Traced(async () => Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v1")));

        Assert.That(spans, Has.Count.EqualTo(1));
        Assert.That(spans[0].GetTagItem(CacheAsideDiagnostics.OutcomeTag), Is.EqualTo("hit"));
        Assert.That(((string)spans[0].GetTagItem(CacheAsideDiagnostics.DetailsTag)!).Split(' '), Is.EquivalentTo(new[] { "stale", "target_failed" }));
        Assert.That(spans[0].GetTagItem(CacheAsideDiagnostics.StaleReasonTag), Is.EqualTo("source_failed"), "the span says why a stale value was served");
        Assert.That(spans[0].Status, Is.EqualTo(ActivityStatusCode.Error), "the source failed, which fail-safe hid from the caller only");
        Assert.That(spans[0].StatusDescription, Is.EqualTo("The implementation failed; fail-safe answered the caller with the last value, past its time to live, instead of the exception."));
    }

    [Test]
    public async Task RedisDown_ReadsAreBypassSpans_NotErrors_AndOnceTheBreakerOpensNoCommandIsNamed()
    {
        using var server = RedisServer.Create();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(new ProductStore(), server.Endpoint, o => o.CircuitBreakerMinimumThroughput = 2);

        var spans = await Traced(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                await harness.Service.GetByIdAsync(1);
            }
        });

        Assert.That(spans.Select(s => s.GetTagItem(CacheAsideDiagnostics.OutcomeTag)), Is.All.EqualTo("bypass"));
        Assert.That(spans.Select(s => s.Status), Is.All.EqualTo(ActivityStatusCode.Unset), "the caller got its answer: a bypass is not an error");
        Assert.That(spans[0].GetTagItem(CacheAsideDiagnostics.RedisCommandsTag), Is.EqualTo("get"));
        Assert.That(spans[^1].GetTagItem(CacheAsideDiagnostics.DetailsTag), Is.EqualTo("circuit_open"));
        Assert.That(spans[^1].GetTagItem(CacheAsideDiagnostics.RedisCommandsTag), Is.Null);
    }

    [Test]
    public async Task CoalescedCallers_EachHaveASpan_OnlyTheLoaderNamesTheLease()
    {
        var store = new ProductStore(latency: TimeSpan.FromMilliseconds(200));

        // The commands each span names are the point: a GET past the default 50 ms on a busy machine would be a bypass.
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, o => o.RedisTimeout = TimeSpan.FromSeconds(1));

        var spans = await Traced(() => Task.WhenAll(Enumerable.Range(0, 3).Select(_ => harness.Service.GetByIdAsync(9))));

        Assert.That(store.Reads, Is.EqualTo(1));
        Assert.That(spans.Select(s => s.GetTagItem(CacheAsideDiagnostics.RedisCommandsTag)).Order(), Is.EqualTo(new[] { "get", "get", "get lease set" }));
        Assert.That(spans.Count(s => s.GetTagItem(CacheAsideDiagnostics.DetailsTag) is "coalesced"), Is.EqualTo(2));
    }

    /// <summary>Runs <paramref name="calls"/> under a span of the test's own, and returns CacheAside's spans under it, in start order.</summary>
    private async Task<List<Activity>> Traced(Func<Task> calls)
    {
        string parent;
        using (var caller = s_caller.StartActivity("caller"))
        {
            Assert.That(caller, Is.Not.Null, "the test's tracer provider listens to its own source");
            parent = caller!.SpanId.ToHexString();
            await calls();
        }

        _tracing.ForceFlush();
        return _exported
            .Where(a => a.Source.Name == CacheAsideDiagnostics.ActivitySourceName && a.ParentSpanId.ToHexString() == parent)
            .OrderBy(a => a.StartTimeUtc)
            .ToList();
    }
}
