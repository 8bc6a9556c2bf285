using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Leases;

/// <summary>
/// A caller that waited for another process's load reads what that load stored, even when its own
/// <c>GET</c> had found an entry it could not use (corrupt, of another shape, or past its time to live
/// under fail-safe): the key still costs one source call across processes.
/// </summary>
public sealed class LeaseWaitTests
{
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.Sync)]
    public async Task TwoContainers_OnACorruptEntry_TheOneThatWaitedReadsTheOthersStore(ReadShape shape)
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var first = CacheAsideHarness<IRowRepository>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        using var second = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.KeyPrefix = first.Prefix;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var key = first.Key("row:1");
        await first.Redis.StringSetAsync(key, "not an entry");

        var results = await LoadInOneWaitInTheOther(source, first, second, shape, key);

        Assert.That(results, Is.All.EqualTo("v1"));
        Assert.That(source.Loads, Is.EqualTo(1), "the caller that waited read the stored value instead of loading again");
        Assert.That(second.Observer.Last.Details.HasFlag(CacheEventDetails.WaitedForLoader), Is.True);
    }

    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.Sync)]
    public async Task TwoContainers_OnAnEntryPastItsTimeToLiveUnderFailSafe_TheOneThatWaitedReadsTheOthersStore(ReadShape shape)
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var first = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.FailSafeWindow = TimeSpan.FromSeconds(60);
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        using var second = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.KeyPrefix = first.Prefix;
            o.TimeProvider = clock;
            o.FailSafeWindow = TimeSpan.FromSeconds(60);
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var key = first.Key("row:1");
        await first.Service.GetAsync(1);
        clock.Offset = TimeSpan.FromSeconds(61);
        source.Commit(1, "v2");

        var results = await LoadInOneWaitInTheOther(source, first, second, shape, key);

        Assert.That(results, Is.All.EqualTo("v2"));
        Assert.That(source.Loads, Is.EqualTo(2), "one load for the warm-up, one after expiry for both containers");
    }

    /// <summary>The first container's caller loads, held at the gate; the second's waits for its lease; then the gate opens.</summary>
    private static async Task<string?[]> LoadInOneWaitInTheOther(RowSource source, CacheAsideHarness<IRowRepository> first, CacheAsideHarness<IRowRepository> second, ReadShape shape, string key)
    {
        source.Gate.Close();
        var loading = shape.Start(() => first.Service.Read(shape, 1));
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        var waiting = shape.Start(() => second.Service.Read(shape, 1));
        Assert.That(Eventually.True(() => first.Redis.HashExists(key + ":lease", "w")), Is.True, "the second container waits for the first's lease");
        source.Gate.Open();
        return await Task.WhenAll(loading, waiting);
    }
}
