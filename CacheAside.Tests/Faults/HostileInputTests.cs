using System.Text;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Faults;

/// <summary>
/// Argument values an attacker controls cannot reach another method's entries, cannot make keys longer than
/// the limit, and are only data to Redis; payloads name no type, so no stored value can ask for one.
/// </summary>
public sealed class HostileInputTests
{
    [Test]
    public void ArgumentValue_CannotAddressAnotherMethodsEntry()
    {
        var source = new AccountSource();
        using var harness = CacheAsideHarness<IAccountRepository>.Create(source);
        harness.Service.Orders("bob");

        var profile = harness.Service.Profile("bob:orders");

        Assert.That(profile, Is.EqualTo("profile of bob:orders"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss));
        Assert.That(harness.Observer.Events.Select(e => e.Key), Is.EqualTo(new[] { harness.Key("user:bob:orders"), harness.Key("user:bob\\:orders") }));
    }

    [Test]
    public void HugeArgumentValues_GetKeysWithinTheLimit_ThatStillDiffer()
    {
        using var harness = CacheAsideHarness<IAccountRepository>.Create(new AccountSource());
        var huge = new string('x', 100_000);

        var first = harness.Service.Profile(huge + "1");
        var second = harness.Service.Profile(huge + "2");
        var firstAgain = harness.Service.Profile(huge + "1");

        var keys = harness.Observer.Events.Select(e => e.Key).ToArray();
        Assert.That(keys, Has.All.Length.LessThanOrEqualTo(new CacheAsideOptions().MaxKeyLength));
        Assert.That(keys[0], Is.Not.EqualTo(keys[1]));
        Assert.That(harness.Redis.KeyExists(keys[0]) && harness.Redis.KeyExists(keys[1]), Is.True);
        Assert.That(firstAgain, Is.EqualTo(first));
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Miss, CacheOutcome.Hit }));
    }

    [Test]
    public void ProtocolTextInArguments_IsOnlyData()
    {
        using var harness = CacheAsideHarness<IAccountRepository>.Create(new AccountSource());
        var sentinel = harness.Key("sentinel");
        harness.Redis.StringSet(sentinel, "still here");
        const string injection = "bob\r\n*1\r\n$8\r\nFLUSHALL\r\n";

        var profile = harness.Service.Profile(injection);
        var again = harness.Service.Profile(injection);

        Assert.That(again, Is.EqualTo(profile));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That((string?)harness.Redis.StringGet(sentinel), Is.EqualTo("still here"));
    }

    [Test]
    public void Payload_IsTheHeaderAndPlainJson_WithoutTypeNames()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore());
        harness.Service.GetById(5);

        var payload = Encoding.UTF8.GetString((byte[])harness.Redis.StringGet(harness.Key("product:5"))!);

        Assert.That(payload, Does.Match("^ca3:[0-9a-f]{16}:[0-9a-f]{16}:[0-9]{13}:[0-9]+:[0-9]{13}:0:\\{\"Id\":5,\"Name\":\"Product 5\",\"Price\":15\\}$"));
        Assert.That(payload, Does.Not.Contain("$type").And.Not.Contain("CacheAside").And.Not.Contain("Version="));
    }

    [Test]
    public void StoredValueNamingAType_NeverCreatesIt()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore());
        harness.Service.GetById(6);
        var valid = Encoding.UTF8.GetString((byte[])harness.Redis.StringGet(harness.Key("product:6"))!);
        var header = valid[..valid.IndexOf('{', StringComparison.Ordinal)];
        harness.Redis.StringSet(harness.Key("product:5"), header + "{\"$type\":\"System.IO.FileInfo, System.IO.FileSystem\",\"Id\":5,\"Name\":\"Product 5\",\"Price\":15}");

        var product = harness.Service.GetById(5);

        Assert.That(product, Is.TypeOf<Product>());
        Assert.That(product, Is.EqualTo(new Product(5, "Product 5", 15m)));
    }

    public interface IAccountRepository
    {
        [Cached("user:{name}")]
        string Profile(string name);

        [Cached("user:{name}:orders")]
        string Orders(string name);
    }

    private sealed class AccountSource : IAccountRepository
    {
        public string Profile(string name) => "profile of " + (name.Length > 40 ? $"{name.Length} characters ending in {name[^1]}" : name);

        public string Orders(string name) => "orders of " + name;
    }
}
