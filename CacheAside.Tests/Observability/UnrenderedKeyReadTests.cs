using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Observability;

/// <summary>
/// A read whose key cannot be rendered (a property of its argument throws) goes to the repository without the
/// cache, and is still reported once, when the repository's answer is in: its outcome, its details (the
/// repository's failure included) and its whole duration, for every return shape.
/// </summary>
public sealed class UnrenderedKeyReadTests
{
    private static readonly TimeSpan s_latency = TimeSpan.FromMilliseconds(150);

    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task UnrenderedKey_IsReportedOnce_AfterTheRepositoryAnswered_WithItsWholeDuration(ReadShape shape)
    {
        using var harness = CacheAsideHarness<ITotals>.Create(new Totals(), o => o.RedisTimeout = TimeSpan.FromSeconds(1));

        var total = await Call(harness.Service, shape, new Customer(3, fails: false));

        Assert.That(total, Is.EqualTo(3));
        Assert.That(harness.Observer.Events, Has.Count.EqualTo(1), "the call was reported once");
        var reported = harness.Observer.Last;
        Assert.That(reported.Outcome, Is.EqualTo(CacheOutcome.Bypass));
        Assert.That(reported.Details, Is.EqualTo(CacheEventDetails.KeyFailed));
        Assert.That(reported.Elapsed, Is.GreaterThanOrEqualTo(s_latency - TimeSpan.FromMilliseconds(10)), "the duration includes the repository's latency");
    }

    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task UnrenderedKey_WhoseRepositoryThrows_IsReportedOnce_AsATargetFailure(ReadShape shape)
    {
        using var harness = CacheAsideHarness<ITotals>.Create(new Totals(), o => o.RedisTimeout = TimeSpan.FromSeconds(1));

        var thrown = await Assert.ThrowsAsync<TimeoutException>(async () => await Call(harness.Service, shape, new Customer(3, fails: true)));

        Assert.That(thrown!.Message, Is.EqualTo("the database did not answer"), "the repository's exception reached the caller unchanged");
        Assert.That(harness.Observer.Events, Has.Count.EqualTo(1), "the call was reported once");
        var reported = harness.Observer.Last;
        Assert.That(reported.Outcome, Is.EqualTo(CacheOutcome.Bypass));
        Assert.That(reported.Details, Is.EqualTo(CacheEventDetails.KeyFailed | CacheEventDetails.TargetFailed));
        Assert.That(reported.Elapsed, Is.GreaterThanOrEqualTo(s_latency - TimeSpan.FromMilliseconds(10)));
    }

    private static async Task<int> Call(ITotals totals, ReadShape shape, Customer customer) => shape switch
    {
        ReadShape.Sync => totals.Total(customer),
        ReadShape.Task => await totals.TotalAsync(customer),
        _ => await totals.TotalValueAsync(customer),
    };

    /// <summary>A customer whose region cannot be read (a lazy property whose source is gone).</summary>
    public sealed class Customer(int id, bool fails)
    {
        public int Id => id;

        public bool Fails => fails;

        public string Region => throw new InvalidOperationException($"The region of customer {id} was not loaded.");
    }

    public interface ITotals
    {
        [Cached("total:{customer.Region}:{customer.Id}", TtlSeconds = 60)]
        int Total(Customer customer);

        [Cached("total:{customer.Region}:{customer.Id}", TtlSeconds = 60)]
        Task<int> TotalAsync(Customer customer);

        [Cached("total:{customer.Region}:{customer.Id}", TtlSeconds = 60)]
        ValueTask<int> TotalValueAsync(Customer customer);
    }

    public sealed class Totals : ITotals
    {
        public int Total(Customer customer)
        {
            Thread.Sleep(s_latency);
            return customer.Fails ? throw new TimeoutException("the database did not answer") : customer.Id;
        }

        public async Task<int> TotalAsync(Customer customer)
        {
            await Task.Delay(s_latency);
            return customer.Fails ? throw new TimeoutException("the database did not answer") : customer.Id;
        }

        public async ValueTask<int> TotalValueAsync(Customer customer) => await TotalAsync(customer);
    }
}
