using System.Text.Json;
using System.Text.Json.Serialization;
using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Serialization;

/// <summary>
/// End to end against Redis: a hit returns the state the source returned; a value that would not come
/// back equal is returned uncached; a type that cannot round-trip is refused when the container is built.
/// </summary>
public sealed class ValueScenarioTests
{
    [Test]
    public void PrivateSetter_HitReturnsTheStoredBalance()
    {
        using var harness = CacheAsideHarness<IValueRepository>.Create(new ValueSource());

        var miss = harness.Service.Account(1);
        var hit = harness.Service.Account(1);

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(hit.Balance, Is.EqualTo(125.50m));
        Assert.That(StateDump.Of(hit), Is.EqualTo(StateDump.Of(miss)));
    }

    [Test]
    public async Task ValueTuple_HitReturnsItsItems()
    {
        using var harness = CacheAsideHarness<IValueRepository>.Create(new ValueSource());

        await harness.Service.NameAsync(7);
        var hit = await harness.Service.NameAsync(7);

        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        Assert.That(hit, Is.EqualTo((7, "seven")));
    }

    [Test]
    public void StructOfFields_GetOnlyList_AndIgnoredMember_HitsReturnThem()
    {
        using var harness = CacheAsideHarness<IValueRepository>.Create(new ValueSource());

        var point = harness.Service.Point(2);
        var invoice = harness.Service.Invoice(2);
        var user = harness.Service.User(2);
        var pointHit = harness.Service.Point(2);
        var invoiceHit = harness.Service.Invoice(2);
        var userHit = harness.Service.User(2);

        Assert.That(harness.Observer.Outcomes.Skip(3), Is.EqualTo(new[] { CacheOutcome.Hit, CacheOutcome.Hit, CacheOutcome.Hit }));
        Assert.That(pointHit, Is.EqualTo(point));
        Assert.That(invoiceHit.Lines, Is.EqualTo(invoice.Lines).And.Not.Empty);
        Assert.That(userHit.PasswordHash, Is.EqualTo(user.PasswordHash).And.Not.Empty);
    }

    [Test]
    public async Task DerivedTypes_HitReturnsEachAsItself()
    {
        using var harness = CacheAsideHarness<IValueRepository>.Create(new ValueSource());

        var miss = await harness.Service.DrawingAsync(3);
        var hit = await harness.Service.DrawingAsync(3);

        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        Assert.That(StateDump.Of(hit), Is.EqualTo(StateDump.Of(miss)));
    }

    [Test]
    public void LazyResult_RunsOncePerMiss_AndTheHitReturnsTheSameItems()
    {
        var source = new ValueSource();
        using var harness = CacheAsideHarness<IValueRepository>.Create(source);

        var miss = harness.Service.Lines(4).ToList();
        var hit = harness.Service.Lines(4).ToList();

        Assert.That(source.LineRuns, Is.EqualTo(1), "the iterator ran once: for the store and for the caller");
        Assert.That(hit, Is.EqualTo(miss).And.EqualTo(new[] { "line 1 of 4", "line 2 of 4" }));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
    }

    [Test]
    public void ValueThatWouldComeBackDifferent_IsReturnedUncached_WithAWarningNamingTheMember()
    {
        using var harness = CacheAsideHarness<IValueRepository>.Create(new ValueSource());

        var first = harness.Service.Ledger(5);
        var second = harness.Service.Ledger(5);

        Assert.That(second.Entries, Is.EqualTo(first.Entries).And.Not.Empty);
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Miss }));
        Assert.That(harness.Observer.Events[0].Details.HasFlag(CacheEventDetails.NotStored), Is.True);
        Assert.That(harness.Redis.KeyExists(harness.Key("ledger:5")), Is.False);
        Assert.That(harness.Logs.WithId(10).First().Message, Is.EqualTo(
            "The result of IValueRepository.Ledger(int) was returned uncached: Ledger._entries (items from [0] are missing) reads back from JSON different from what the source returned."));
    }

    [Test]
    public void RequiredNullableMember_UnderTheUsersWhenWritingNull_IsAHit()
    {
        using var harness = CacheAsideHarness<IValueRepository>.Create(
            new ValueSource(),
            o => o.SerializerOptions = new JsonSerializerOptions { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });

        harness.Service.Registration(6);
        var hit = harness.Service.Registration(6);

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(hit.Id, Is.EqualTo(6));
        Assert.That(hit.Referrer, Is.Null);
    }

    [Test]
    public void NumbersTheUsersOptionsWriteAsStrings_AreReadBack_SoTheSecondCallIsAHit()
    {
        using var harness = CacheAsideHarness<IValueRepository>.Create(
            new ValueSource(),
            o => o.SerializerOptions = new JsonSerializerOptions { NumberHandling = JsonNumberHandling.WriteAsString });

        harness.Service.Account(9);
        var hit = harness.Service.Account(9);

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(hit.Balance, Is.EqualTo(125.50m));
        Assert.That((string?)harness.Redis.StringGet(harness.Key("account:9")), Does.Contain("\"Balance\":\"125.50\""));
    }

    [Test]
    public void NumbersAttributesWriteAsStrings_AreReadBack_SoTheSecondCallIsAHit()
    {
        using var harness = CacheAsideHarness<IValueRepository>.Create(new ValueSource());

        harness.Service.Tally(10);
        var hit = harness.Service.Tally(10);

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(hit.Count, Is.EqualTo(10));
        Assert.That(hit.Stats.Mean, Is.EqualTo(2.5));
    }

    [Test]
    public void EnumKeys_UnderTheUsersDictionaryKeyPolicy_AreReadBack_SoTheSecondCallIsAHit()
    {
        using var harness = CacheAsideHarness<IValueRepository>.Create(
            new ValueSource(),
            o => o.SerializerOptions = new JsonSerializerOptions { DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower });

        harness.Service.Stages(12);
        var hit = harness.Service.Stages(12);

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(hit[Stage.InReview], Is.EqualTo(12));
    }

    [Test]
    public void EntryOfAnotherShape_IsAMiss()
    {
        using var harness = CacheAsideHarness<IValueRepository>.Create(new ValueSource());
        harness.Redis.StringSet(harness.Key("account:8"), "ca1:0123456789abcdef:{\"Id\":8}");

        var account = harness.Service.Account(8);

        Assert.That(account.Balance, Is.EqualTo(125.50m));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.CorruptEntry), Is.True);
    }

    [Test]
    public void ResultTypesThatCannotRoundTrip_AreRefusedWhenTheContainerIsBuilt()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        builder.Register(_ => StandIn.For<IUnstorableRepository>()).As<IUnstorableRepository>().EnableCacheAside();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Problems, Is.EqualTo(new[]
        {
            "IUnstorableRepository.Temperature(int): [Cached] cannot store the result: Temperature(double celsius): parameter 'celsius' binds to no property, so a hit cannot call the constructor: add a property Celsius of type double, mark a constructor whose parameters all match properties with [JsonConstructor], or return a DTO, or remove [Cached].",
            "IUnstorableRepository.Coupon(int): [Cached] cannot store the result: Coupon has no constructor System.Text.Json can use (it needs a public parameterless constructor, a single public constructor, or one marked [JsonConstructor]): mark the constructor to use with [JsonConstructor], or add a public parameterless one, or remove [Cached].",
            "IUnstorableRepository.SheetAsync(int): [Cached] cannot store the result: Dictionary<Cell, string> (at Sheet.Cells) has keys of type Cell, which JSON cannot write as property names: key it by string, a number, Guid, an enum or a date, or add a converter for Cell that overrides ReadAsPropertyName and WriteAsPropertyName, or remove [Cached].",
        }));
    }

    public interface IValueRepository
    {
        [Cached("account:{id}")]
        Account Account(int id);

        [Cached("name:{id}")]
        Task<(int Id, string Name)> NameAsync(int id);

        [Cached("point:{id}")]
        Point Point(int id);

        [Cached("invoice:{id}")]
        Invoice Invoice(int id);

        [Cached("user:{id}")]
        User User(int id);

        [Cached("drawing:{id}")]
        ValueTask<Drawing> DrawingAsync(int id);

        [Cached("lines:{id}")]
        IEnumerable<string> Lines(int id);

        [Cached("ledger:{id}")]
        Ledger Ledger(int id);

        [Cached("registration:{id}")]
        Registration Registration(int id);

        [Cached("tally:{id}")]
        Tally Tally(int id);

        [Cached("stages:{id}")]
        IReadOnlyDictionary<Stage, int> Stages(int id);
    }

    public interface IUnstorableRepository
    {
        [Cached("temperature:{id}")]
        Temperature Temperature(int id);

        [Cached("coupon:{id}")]
        Coupon Coupon(int id);

        [Cached("sheet:{id}")]
        Task<Sheet> SheetAsync(int id);
    }

    private sealed class ValueSource : IValueRepository
    {
        public int LineRuns { get; private set; }

        public Account Account(int id)
        {
            var account = new Account { Id = id };
            account.Deposit(125.50m);
            return account;
        }

        public Task<(int Id, string Name)> NameAsync(int id) => Task.FromResult((id, "seven"));

        public Point Point(int id) => new() { X = id, Y = -id, Label = "p" + id };

        public Invoice Invoice(int id)
        {
            var invoice = new Invoice { Id = id };
            invoice.Lines.AddRange(["first", "second"]);
            return invoice;
        }

        public User User(int id) => new() { Id = id, PasswordHash = "hash-" + id, Nickname = null };

        public ValueTask<Drawing> DrawingAsync(int id) => ValueTask.FromResult(new Drawing
        {
            Shapes = [new Circle { Name = "c", Radius = id }, new Square { Name = "s", Side = id, Colour = "red" }],
        });

        public IEnumerable<string> Lines(int id)
        {
            LineRuns++;
            yield return $"line 1 of {id}";
            yield return $"line 2 of {id}";
        }

        public Ledger Ledger(int id)
        {
            var ledger = new Ledger { Id = id };
            ledger.Add(10m);
            return ledger;
        }

        public Registration Registration(int id) => new() { Id = id, Referrer = null };

        public Tally Tally(int id) => new() { Count = id, Stats = new Stats { Mean = 2.5 } };

        public IReadOnlyDictionary<Stage, int> Stages(int id) => new Dictionary<Stage, int> { [Stage.InReview] = id };
    }

    public enum Stage
    {
        Draft,
        InReview,
    }

    public sealed class Tally
    {
        [JsonNumberHandling(JsonNumberHandling.WriteAsString)]
        public int Count { get; set; }

        public Stats Stats { get; set; } = new();
    }

    [JsonNumberHandling(JsonNumberHandling.WriteAsString)]
    public sealed class Stats
    {
        public double Mean { get; set; }
    }
}
