using System.Text;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>
/// An entry the cache cannot read is a miss that gets overwritten, counted and logged — never an exception
/// to the caller, whatever sits at the key.
/// </summary>
public sealed class CorruptEntryTests
{
    public enum Corruption
    {
        RandomBytes,
        RandomBytesAfterAValidHeader,
        TruncatedJson,
        OlderShapeOfTheType,
        OlderEntryFormat,
        PreviousEntryFormat,
        WrongRedisType,
    }

    private const int CorruptEntryLogId = 3;

    private static IEnumerable<TestCaseData> Cases() =>
        from corruption in Enum.GetValues<Corruption>()
        from shape in Enum.GetValues<ReadShape>()
        select new TestCaseData(corruption, shape).SetArgDisplayNames(corruption.ToString(), shape.ToString());

    [TestCaseSource(nameof(Cases))]
    public async Task CorruptEntry_IsAMiss_ThatIsOverwrittenCountedAndLogged(Corruption corruption, ReadShape shape)
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store);
        using var corruptCount = new MetricCapture(CacheAsideDiagnostics.CorruptEntries);
        var key = harness.Key("product:5");
        var header = await ValidHeader(harness);
        await Seed(harness, corruption, key);
        var readsBefore = store.Reads;

        var result = await harness.Service.Read(shape, 5);
        var again = await harness.Service.Read(shape, 5);

        Assert.That(result, Is.EqualTo(store.Row(5)));
        Assert.That(again, Is.EqualTo(store.Row(5)));
        Assert.That(store.Reads - readsBefore, Is.EqualTo(1), "the implementation ran once: the second read hit the entry that replaced the corrupt one");
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(harness.Observer.Events[0].Details.HasFlag(CacheEventDetails.CorruptEntry), Is.True);
        Assert.That(harness.Redis.KeyType(key), Is.EqualTo(RedisType.String));
        Assert.That(Encoding.UTF8.GetString((byte[])harness.Redis.StringGet(key)!), Does.StartWith(header[..(header.IndexOf(':', 4) + 1)]), "a valid entry of this format and shape replaced it");
        Assert.That(corruptCount.Count(CacheAsideDiagnostics.MethodTag, harness.Observer.Events[0].Method), Is.EqualTo(1));
        var warning = harness.Logs.WithId(CorruptEntryLogId).Single();
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warning.Message, Does.Contain(harness.Observer.Events[0].Method));
        Assert.That(warning.Message, Does.Not.Contain("product:5"), "keys are not logged at Warning");
    }

    private static async Task Seed(CacheAsideHarness<IProductRepository> harness, Corruption corruption, string key)
    {
        var random = new Random(42);
        switch (corruption)
        {
            case Corruption.RandomBytes:
                await harness.Redis.StringSetAsync(key, RandomBytes(random, 64));
                break;
            case Corruption.RandomBytesAfterAValidHeader:
                await harness.Redis.StringSetAsync(key, Encoding.ASCII.GetBytes(await ValidHeader(harness)).Concat(RandomBytes(random, 64)).ToArray());
                break;
            case Corruption.TruncatedJson:
                var valid = Encoding.UTF8.GetString((byte[])(await ValidEntry(harness))!);
                await harness.Redis.StringSetAsync(key, valid[..(valid.Length - 8)]);
                break;
            case Corruption.OlderShapeOfTheType:
                // What an earlier deploy stored, when Product had a Title instead of a Name and no Price.
                await harness.Redis.StringSetAsync(key, "ca3:0123456789abcdef:00000000000000aa:1767225600000:100:4102444800000:0:{\"Id\":5,\"Title\":\"Old product 5\"}");
                break;
            case Corruption.OlderEntryFormat:
                // What the first release stored: the ca1 header, with a shape fingerprint and no stamp.
                await harness.Redis.StringSetAsync(key, "ca1:0123456789abcdef:{\"Id\":5,\"Name\":\"Product 5\",\"Price\":15}");
                break;
            case Corruption.PreviousEntryFormat:
                // What the release before fail-safe stored: ca2, this shape's fingerprint, a stamp without the
                // end of the value's own freshness — and a far-future expiry that must not make it a hit.
                var fingerprint = (await ValidHeader(harness)).Split(':')[1];
                await harness.Redis.StringSetAsync(key, $"ca2:{fingerprint}:00000000000000aa:1767225600000:100:4102444800000:{{\"Id\":5,\"Name\":\"Old product 5\",\"Price\":15}}");
                break;
            case Corruption.WrongRedisType:
                await harness.Redis.ListRightPushAsync(key, ["not", "a", "string"]);
                break;
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>An entry the cache wrote itself, for another id, read raw from Redis.</summary>
    private static async Task<RedisValue> ValidEntry(CacheAsideHarness<IProductRepository> harness)
    {
        var key = harness.Key("product:6");
        if (!await harness.Redis.KeyExistsAsync(key))
        {
            // Written through the proxy; then forgotten by the observer, so outcomes count the test's calls only.
            await harness.Service.GetByIdAsync(6);
            harness.Observer.Clear();
        }

        return await harness.Redis.StringGetAsync(key);
    }

    /// <summary>
    /// The header this version writes for Product, everything before the JSON:
    /// <c>ca3:&lt;shape fingerprint&gt;:&lt;token&gt;:&lt;loaded at&gt;:&lt;load ms&gt;:&lt;fresh until&gt;:&lt;expired at&gt;:</c>.
    /// </summary>
    private static async Task<string> ValidHeader(CacheAsideHarness<IProductRepository> harness)
    {
        var text = Encoding.UTF8.GetString((byte[])(await ValidEntry(harness))!);
        return text[..text.IndexOf('{', StringComparison.Ordinal)];
    }
}
