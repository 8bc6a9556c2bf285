using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Leases;

/// <summary>
/// Callers that share one load of a mutable result each get an instance of their own, as every hit does:
/// a caller who changes its result changes nobody else's. Deeply immutable results may be shared.
/// </summary>
public sealed class SharedLoadInstanceTests
{
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.Sync)]
    public async Task CallersSharingALoad_EachGetAnInstanceOfTheirOwn(ReadShape shape)
    {
        var source = new TagSource();
        using var harness = CacheAsideHarness<ITagSource>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));

        var results = await Together(3, () => Read(harness.Service, shape), source);

        Assert.That(source.Loads, Is.EqualTo(1), "one load for the three");
        AssertDistinctAndEqual(results);
    }

    [Test]
    public async Task CallersSharingALoadThatStoresNothing_EachGetAnInstanceOfTheirOwn()
    {
        var source = new TagSource();
        using var harness = CacheAsideHarness<ITagSource>.Create(source, o =>
        {
            o.LeaseWaitTimeout = TimeSpan.FromMilliseconds(500);
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var lease = harness.Key("tags:1") + ":lease";

        // Another process holds the lease and never stores: the callers, together, give up waiting and load once, storing nothing.
        await harness.Redis.HashSetAsync(lease, "t", "someone-else");
        await harness.Redis.KeyExpireAsync(lease, TimeSpan.FromSeconds(30));
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => harness.Service.TagsAsync(1))));

        Assert.That(source.Loads, Is.EqualTo(1), "one load for the three");
        Assert.That(harness.Observer.Events.All(e => e.Details.HasFlag(CacheEventDetails.LeaseWaitTimedOut)), Is.True);
        AssertDistinctAndEqual(results);
    }

    [Test]
    public async Task CallersSharingAValueAnotherProcessStored_EachGetAnInstanceOfTheirOwn()
    {
        var source = new TagSource();
        using var loader = CacheAsideHarness<ITagSource>.Create(source, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        using var waiters = CacheAsideHarness<ITagSource>.Create(source, o =>
        {
            o.KeyPrefix = loader.Prefix;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        source.Hold();
        var loading = loader.Service.TagsAsync(1);
        Assert.That(source.Arrived.Wait(TimeSpan.FromSeconds(10)), Is.True);
        var waiting = Enumerable.Range(0, 3).Select(_ => waiters.Service.TagsAsync(1)).ToArray();
        Assert.That(Eventually.True(() => loader.Redis.HashExists(loader.Key("tags:1") + ":lease", "w")), Is.True);

        source.Go();
        await loading;
        var results = await Task.WhenAll(waiting);

        Assert.That(source.Loads, Is.EqualTo(1));
        AssertDistinctAndEqual(results);
    }

    private static void AssertDistinctAndEqual(List<string>[] results)
    {
        Assert.That(results, Is.All.EqualTo(new List<string> { "a", "b" }));
        for (var i = 0; i < results.Length; i++)
        {
            for (var j = i + 1; j < results.Length; j++)
            {
                Assert.That(results[i], Is.Not.SameAs(results[j]), $"callers {i} and {j} got one instance");
            }
        }

        results[0].Add("changed");
        Assert.That(results.Skip(1), Is.All.EqualTo(new List<string> { "a", "b" }), "a caller who changes its result changes nobody else's");
    }

    /// <summary>Starts <paramref name="count"/> calls while the source holds its first load, then lets it go.</summary>
    private static async Task<List<string>[]> Together(int count, Func<Task<List<string>>> read, TagSource source)
    {
        source.Hold();
        var first = Task.Factory.StartNew(read, TaskCreationOptions.LongRunning).Unwrap();
        Assert.That(source.Arrived.Wait(TimeSpan.FromSeconds(10)), Is.True);
        var others = Enumerable.Range(1, count - 1).Select(_ => Task.Factory.StartNew(read, TaskCreationOptions.LongRunning).Unwrap()).ToList();
        await Task.Delay(300);
        source.Go();
        return await Task.WhenAll(others.Prepend(first));
    }

    private static Task<List<string>> Read(ITagSource service, ReadShape shape) =>
        shape == ReadShape.Sync ? Task.FromResult(service.Tags(1)) : service.TagsAsync(1);

    /// <summary>A mutable result, read through methods of both kinds that share one key.</summary>
    public interface ITagSource
    {
        [Cached("tags:{id}", TtlSeconds = 60)]
        Task<List<string>> TagsAsync(int id);

        [Cached("tags:{id}", TtlSeconds = 60)]
        List<string> Tags(int id);
    }

    /// <summary>Returns a new list per load; a load can be held where it starts, before it builds its answer.</summary>
    public sealed class TagSource : ITagSource
    {
        private ManualResetEventSlim Gate { get; } = new(true);
        private int _loads;

        public ManualResetEventSlim Arrived { get; } = new();

        public int Loads => Volatile.Read(ref _loads);

        public void Hold()
        {
            Arrived.Reset();
            Gate.Reset();
        }

        public void Go() => Gate.Set();

        public List<string> Tags(int id)
        {
            Interlocked.Increment(ref _loads);
            Arrived.Set();
            Gate.Wait(TimeSpan.FromSeconds(30));
            return ["a", "b"];
        }

        public Task<List<string>> TagsAsync(int id) => Task.Run(() => Tags(id));
    }
}
